"""S3-compatible storage (django-storages) that never hands out an address of the bucket.

Files leave only through the views that check access (`lib.files`), so a
stored file's `url` points nowhere, exactly as it does on local disk
(MEDIA_URL is served by no URL): no page, admin form or e-mail can leak a
presigned link that works without signing in. Settings name this class
when `ZI_S3_BUCKET` is set; it is imported only then (the `s3` extra).
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None) -> str:
        return settings.MEDIA_URL + quote(name)
