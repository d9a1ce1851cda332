"""WSGI entry point (gunicorn zi_tracker.wsgi --no-control-socket)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_tracker.settings")

application = get_wsgi_application()

# After the app is loaded: the collector no longer walks it on every full collection.
from lib.operations import freeze_loaded_objects  # noqa: E402  (needs the settings above)

freeze_loaded_objects()
