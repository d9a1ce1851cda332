"""Settings for ZI Tracker, read from the environment (django-environ).

Every variable is listed, with its default, in `.env.example` and the README.
A `.env` file beside `manage.py` is read when it exists; real environment
variables win over it.
"""

import datetime
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _development_secret_key(path: Path) -> str:
    """A random key kept in a git-ignored file, so sessions survive restarts."""
    if path.is_file():
        return path.read_text().strip()
    key = secrets.token_urlsafe(50)
    path.write_text(key + "\n")
    path.chmod(0o600)
    return key


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Production needs its own secret key; "
            "for development set DJANGO_DEBUG=true and one is generated."
        )
    SECRET_KEY = _development_secret_key(BASE_DIR / ".secret_key")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "lib.admin_site.ZiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's widget templates, found by our engine (FORM_RENDERER below)
    "django.forms",
    "django_htmx",
    # Loaders set up in TEMPLATES below, not by the app
    "template_partials.apps.SimpleAppConfig",
    "import_export",
    "simple_history",
    "treebeard",
    # Before django_tasks_db: its `db_worker` command is ours (lib/management/commands/db_worker.py,
    # which waits for the database instead of exiting). lib has no models, templates or static files.
    "lib",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "ninja",  # the API's documentation page served from our own static files
    # ZI Tracker, floor first (docs/architecture.md): lib <- units, messaging <- change_areas,
    # service_standards <- declarations, integrations <- zi_tracker (the roof) <- benchmarks;
    # lib is listed above (before django_tasks_db)
    "units",
    "messaging",
    "change_areas",
    "service_standards",
    "declarations",
    "integrations",
    "zi_tracker",
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # No control character in anything a request carries (lib.text): before anything reads it.
    "lib.middleware.CleanInputMiddleware",
    "lib.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and other text gzipped (static files are WhiteNoise's, above: never reach it).
    "lib.middleware.CompressTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lib.middleware.LanguageCookieMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lib.middleware.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "lib.middleware.RequestLogMiddleware",
    # PDFs, spreadsheets, JSON and evidence of private views: Cache-Control private, no-store.
    "lib.middleware.PrivateDownloadsMiddleware",
    # django-axes: last, so that it sees failed sign-ins after every other middleware.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zi_tracker.urls"
WSGI_APPLICATION = "zi_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # django-template-partials: "page.html#name" is the `{% partialdef name %}`
            # of that page, so an htmx fragment lives inside the page it belongs to
            # (docs/architecture.md, "Forms and fragments").
            "loaders": [
                (
                    "template_partials.loader.Loader",
                    [
                        (
                            "django.template.loaders.cached.Loader",
                            [
                                "django.template.loaders.filesystem.Loader",
                                "django.template.loaders.app_directories.Loader",
                            ],
                        )
                    ],
                )
            ],
            "builtins": ["template_partials.templatetags.partials"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zi_tracker.context_processors.navigation",
            ],
        },
    },
]

# Fields and forms drawn with our own markup (templates/forms/).
FORM_RENDERER = "lib.forms.FormRenderer"

# SQLite in the project folder unless DATABASE_URL says otherwise
# (postgres://user:password@host:5432/name goes through psycopg 3).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker read while one writes;
    # IMMEDIATE transactions fail fast instead of deadlocking on upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses sign-ins from a locked-out name/address pair.
    "axes.backends.AxesStandaloneBackend",
    "units.auth.UsernameOrNipBackend",
    # Single sign-on with the instansi's OpenID Connect provider (integrations.sso).
    "integrations.sso.ProviderBackend",
]

# Sign-in throttling (django-axes): after 5 failures for one name from one address,
# that pair waits 15 minutes. A success resets the count.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # shared by every app server
AXES_FAILURE_LIMIT = env.int("ZI_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("ZI_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("ZI_PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Optional TOTP second factor (django-otp) for administrators and reviewers.
OTP_TOTP_ISSUER = env.str("ZI_OTP_ISSUER", default="ZI Tracker")
# An invitation link lets the person set a password once, for this many days; a password
# reset link, for PASSWORD_RESET_TIMEOUT seconds.
ZI_INVITATION_DAYS = env.int("ZI_INVITATION_DAYS", default=14)
PASSWORD_RESET_TIMEOUT = env.int("ZI_PASSWORD_RESET_HOURS", default=24) * 60 * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Indonesian first: the interface speaks Indonesian unless a person picks English.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["lib.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Jakarta")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# No URL serves MEDIA_ROOT: uploaded files go out only through views that check access.
MEDIA_URL = "/_media-not-served/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
if env.str("ZI_S3_BUCKET", default=""):
    # Every stored file (evidence, declaration PDFs, signed copies, print-job zips, logos,
    # signature images, minutes) in one S3-compatible bucket that all app servers and workers
    # share (django-storages). Nothing is served from the bucket: downloads stream through the
    # views that check access (lib.files), and lib.s3 makes sure no page can show a bucket URL.
    STORAGES["default"] = {
        "BACKEND": "lib.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env.str("ZI_S3_BUCKET"),
            "endpoint_url": env.str("ZI_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("ZI_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("ZI_S3_SECRET_KEY", default="") or None,
            "region_name": env.str("ZI_S3_REGION", default="") or None,
            # "path" for MinIO and Ceph behind one host name; empty lets boto3 choose.
            "addressing_style": env.str("ZI_S3_ADDRESSING_STYLE", default="") or None,
            "default_acl": None,
            "file_overwrite": False,
            # A file read back larger than this spools to a temporary file, not to memory.
            "max_memory_size": 2_621_440,
        },
    }

# Sessions, the cache and sign-in throttling live in the database, so every app server
# sees the same (docs/operations.md, "More than one machine"); row locks do the rest.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "zi_cache",
    }
}

TASKS = {
    "default": {
        "BACKEND": env.str("ZI_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# In development every message is printed and kept for the browser (`/dev/surel/`, lib.mail).
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND",
    default=(
        "lib.mail.DevelopmentBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
ZI_DEV_MAIL_DIR = env.str("ZI_DEV_MAIL_DIR", default="") or str(BASE_DIR / "var" / "mail")
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str(
    "DJANGO_DEFAULT_FROM_EMAIL", default="ZI Tracker <zi-tracker@localhost>"
)

# The address people use to reach this installation; printed in QR codes and e-mails.
ZI_PUBLIC_BASE_URL = env.str("ZI_PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Evidence uploads: the largest file accepted (bytes). Types are checked by content.
ZI_EVIDENCE_MAX_BYTES = env.int("ZI_EVIDENCE_MAX_BYTES", default=25 * 1000 * 1000)

# Where the shipped regulation catalogs live (python manage.py load_catalogs).
ZI_CATALOG_DIR = BASE_DIR / "change_areas" / "catalogs"

# django-import-export: every import in one transaction, formulas escaped on export.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# The admin's import is two requests (check, then confirm), which may reach two app servers:
# the file waits in the shared storage between them, not in one server's /tmp.
IMPORT_EXPORT_TMP_STORAGE_CLASS = "import_export.tmp_storages.MediaStorage"
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# A form refused for its CSRF token gets our own page (templates/403_csrf.html), not Django's.
CSRF_FAILURE_VIEW = "lib.errors.csrf_failure"

SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)

# Content-Security-Policy (django-csp): our own scripts, styles and images only;
# no inline scripts anywhere. The Django admin alone also needs inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Logs go to standard output: JSON lines in production (one object per line, for the
# log collector), plain text in development. ZI_LOG_FORMAT=plain|json overrides.
LOG_FORMAT = env.str("ZI_LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # A refused request (4xx) is one line from lib.middleware.RequestLogMiddleware;
        # Django's own loggers keep errors only (with their traceback).
        "django.request": {"level": "ERROR"},
        "django.security.csrf": {"level": "ERROR"},
        "django.server": {"level": "WARNING" if not DEBUG else "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# --- service_standards ---
# Largest FGD minutes file (PDF, JPG, PNG or DOCX) a unit may upload, in bytes.
ZI_SERVICE_UPLOAD_MAX_BYTES = env.int("ZI_SERVICE_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)

# --- declarations -----------------------------------------------------------------------
# Signing keys are uploaded by administrators in the application and stored encrypted in the
# database (`lib.crypto`), with this key; empty: derived from SECRET_KEY. Set it in production
# so that rotating SECRET_KEY does not make the stored keys unreadable.
ZI_KEY_ENCRYPTION_KEY = env.str("ZI_KEY_ENCRYPTION_KEY", default="")
ZI_SIGNING_REASON = env.str(
    "ZI_SIGNING_REASON",
    default="Dokumen pencanangan Zona Integritas diterbitkan melalui ZI Tracker",
)
ZI_SIGNING_LOCATION = env.str("ZI_SIGNING_LOCATION", default="Indonesia")
# Largest PDF the public verification page accepts, in bytes.
ZI_VERIFY_MAX_UPLOAD_BYTES = env.int("ZI_VERIFY_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Bulk printing: up to this many declarations are zipped at once, more go to the task worker.
ZI_DECLARATIONS_PRINT_THRESHOLD = env.int("ZI_DECLARATIONS_PRINT_THRESHOLD", default=5)
# A print job with no sign of life for this long is reported as stopped and can be retried.
ZI_PRINT_JOB_STALL_MINUTES = env.int("ZI_PRINT_JOB_STALL_MINUTES", default=10)
# A finished print job's zip is deleted this many days later (`prune_print_jobs`).
ZI_PRINT_JOB_KEEP_DAYS = env.int("ZI_PRINT_JOB_KEEP_DAYS", default=7)

# --- dashboard exports ---------------------------------------------------------------------
# A spreadsheet of more rows than this is written by the task worker (a job page shows its
# progress and offers the file); up to this many it is sent at once. Portfolio PDFs always
# go to the worker. Stalled export jobs follow ZI_PRINT_JOB_STALL_MINUTES like print jobs.
ZI_EXPORT_BACKGROUND_ROWS = env.int("ZI_EXPORT_BACKGROUND_ROWS", default=1000)
# A finished export's file is deleted this many days later (`prune_jobs`).
ZI_EXPORT_JOB_KEEP_DAYS = env.int("ZI_EXPORT_JOB_KEEP_DAYS", default=7)

# --- integrations -------------------------------------------------------------------------
# Secrets the application stores (sign-in provider client secrets, chat channel URLs) are
# encrypted with a key derived from DJANGO_SECRET_KEY and this salt (django-fernet-encrypted-
# fields); changing either makes stored secrets unreadable (DJANGO_SECRET_KEY_FALLBACKS helps).
SALT_KEY = env.list("ZI_ENCRYPTION_SALT", default=["zi-tracker-stored-secrets"])
SECRET_KEY_FALLBACKS = env.list("DJANGO_SECRET_KEY_FALLBACKS", default=[])

# Single sign-on (OpenID Connect, mozilla-django-oidc). Providers are configured by a national
# administrator in the application (Pengaturan → Masuk dengan SSO); one provider may also come
# from these variables (it then shows on the sign-in page as well, and cannot be edited there).
ZI_OIDC_ISSUER = env.str("ZI_OIDC_ISSUER", default="")
ZI_OIDC_CLIENT_ID = env.str("ZI_OIDC_CLIENT_ID", default="")
ZI_OIDC_CLIENT_SECRET = env.str("ZI_OIDC_CLIENT_SECRET", default="")
ZI_OIDC_NAME = env.str("ZI_OIDC_NAME", default="SSO instansi")
ZI_OIDC_NIP_CLAIM = env.str("ZI_OIDC_NIP_CLAIM", default="nip")
ZI_OIDC_MATCH_EMAIL = env.bool("ZI_OIDC_MATCH_EMAIL", default=True)
ZI_OIDC_SCOPES = env.str("ZI_OIDC_SCOPES", default="openid email profile")
OIDC_RP_SCOPES = ZI_OIDC_SCOPES
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False  # people are matched to existing accounts, never created
OIDC_TIMEOUT = env.int("ZI_OIDC_TIMEOUT_SECONDS", default=10)
OIDC_AUTHENTICATION_CALLBACK_URL = "integrations:sso_callback"
OIDC_REDIRECT_REQUIRE_HTTPS = not DEBUG

# The REST API (django-ninja): calls per personal access token (or per address without one).
ZI_API_RATE = env.str("ZI_API_RATE", default="120/m")
ZI_API_ANONYMOUS_RATE = env.str("ZI_API_ANONYMOUS_RATE", default="30/m")
ZI_API_TOKEN_DAYS = env.int("ZI_API_TOKEN_DAYS", default=90)
NINJA_NUM_PROXIES = env.int("ZI_PROXY_COUNT", default=0)

# Chat messages (Apprise): seconds to wait before the 2nd, 3rd, … try of a failed message.
ZI_MESSAGE_RETRY_SECONDS = [
    int(x) for x in env.list("ZI_MESSAGE_RETRY_SECONDS", default=["60", "300", "1800"])
]
