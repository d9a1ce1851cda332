"""Test settings: the real settings with fast, hermetic overrides."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-a-secret-0123456789abcdefghijklmnop")

from zi_tracker.settings import *  # noqa: F403
from zi_tracker.settings import BASE_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
MEDIA_ROOT = BASE_DIR / "var" / "test-media"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "root": {"level": "WARNING"},
    "loggers": {
        "zi_tracker.requests": {"level": "WARNING"},
        # as in production: refusals are the request log's one line, not Django's tracebacks
        "django.request": {"level": "ERROR"},
        "django.security.csrf": {"level": "ERROR"},
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The API's throttles stay out of the way of the suite; tests/integrations/test_api.py
# lowers them on the live throttle objects to see them refuse.
ZI_API_RATE = "100000/m"
ZI_API_ANONYMOUS_RATE = "100000/m"
ZI_MESSAGE_RETRY_SECONDS = [0, 0]
