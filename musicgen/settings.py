"""musicgen settings: every value comes from the environment, with defaults for a local run.

The defaults give a working app on a fresh machine (SQLite, Redis on localhost, files under
var/, the local generation service on this same server). Production sets MUSICGEN_DEBUG=false,
which makes a missing secret key a loud error instead of a silent default.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MUSICGEN_VAR_DIR", BASE_DIR / "var"))


def envstr(name, default=""):
    return os.environ.get(name, default)


def envbool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envsecret(name, default=""):
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points at {path!r}, which cannot be read: {exc}") from None
    return default


DEBUG = envbool("MUSICGEN_DEBUG", True)

SECRET_KEY = envsecret("MUSICGEN_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("MUSICGEN_SECRET_KEY must be set when MUSICGEN_DEBUG is false.")
    SECRET_KEY = "musicgen-local-development-only-not-secret"

ALLOWED_HOSTS = [h for h in envstr("MUSICGEN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("MUSICGEN_CSRF_TRUSTED_ORIGINS").split(",") if o]

# Where this server is reachable by the generator and by people following share links.
PUBLIC_BASE_URL = envstr("MUSICGEN_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "teams",
    "jobs",
    "api",
    "localgen",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "musicgen.urls"
WSGI_APPLICATION = "musicgen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("MUSICGEN_DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The web server, two workers and beat share one SQLite file: take the write lock up front and wait for it.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "jobs:history"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = envstr("MUSICGEN_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# --- storage: the filesystem by default, S3 (MinIO, AWS...) when MUSICGEN_STORAGE=s3 ---
STORAGE_BACKEND = envstr("MUSICGEN_STORAGE", "filesystem")
MEDIA_ROOT = Path(envstr("MUSICGEN_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"  # never served directly: every file goes through a view that checks access
if STORAGE_BACKEND == "filesystem":
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif STORAGE_BACKEND == "s3":
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": envstr("MUSICGEN_S3_BUCKET"),
            "endpoint_url": envstr("MUSICGEN_S3_ENDPOINT_URL") or None,
            "access_key": envsecret("MUSICGEN_S3_ACCESS_KEY_ID"),
            "secret_key": envsecret("MUSICGEN_S3_SECRET_ACCESS_KEY"),
            "region_name": envstr("MUSICGEN_S3_REGION", "us-east-1"),
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "signature_version": "s3v4",
            "addressing_style": "path",
        },
    }
    if not default_storage["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("MUSICGEN_STORAGE=s3 needs MUSICGEN_S3_BUCKET.")
else:
    raise ImproperlyConfigured(f"MUSICGEN_STORAGE must be 'filesystem' or 's3', not {STORAGE_BACKEND!r}")

STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Celery: Redis broker; the database, not Celery, holds the truth about jobs ---
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("MUSICGEN_BROKER_VISIBILITY_TIMEOUT", 3600)}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A step that overruns is stopped softly (and the job marked failed) before the hard kill.
CELERY_TASK_SOFT_TIME_LIMIT = envint("MUSICGEN_TASK_SOFT_TIME_LIMIT", 300)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 30

# Shared by every web process, so limits such as the share pages' rate limit hold across workers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": envstr("MUSICGEN_CACHE_URL", "redis://127.0.0.1:6379/1"),
        "KEY_PREFIX": "musicgen",
    }
}

# --- the music API: the hosted one, or by default this server's own local generation service ---
MUSICGEN_API_BASE_URL = envstr("MUSICGEN_API_BASE_URL", PUBLIC_BASE_URL).rstrip("/")
MUSICGEN_API_KEY = envsecret("MUSICGEN_API_KEY")
MUSICGEN_API_KEY_FILE_DEFAULT = VAR_DIR / "localgen-app.key"  # written by `make run`
if not MUSICGEN_API_KEY and MUSICGEN_API_KEY_FILE_DEFAULT.exists():
    MUSICGEN_API_KEY = MUSICGEN_API_KEY_FILE_DEFAULT.read_text().strip()
MUSICGEN_API_MODEL = envstr("MUSICGEN_API_MODEL", "minimax-music")
MUSICGEN_API_CONNECT_TIMEOUT = envint("MUSICGEN_API_CONNECT_TIMEOUT", 5)
MUSICGEN_API_READ_TIMEOUT = envint("MUSICGEN_API_READ_TIMEOUT", 30)

# --- limits ---
MUSICGEN_PROMPT_MAX_CHARS = 600
MUSICGEN_REFERENCE_MIN_SECONDS = envint("MUSICGEN_REFERENCE_MIN_SECONDS", 15)
MUSICGEN_REFERENCE_MAX_SECONDS = envint("MUSICGEN_REFERENCE_MAX_SECONDS", 600)
MUSICGEN_REFERENCE_MAX_MB = envint("MUSICGEN_REFERENCE_MAX_MB", 50)
MUSICGEN_SONG_MAX_MB = envint("MUSICGEN_SONG_MAX_MB", 100)
# New songs one person may start in an hour (page and API alike; 0: no limit), and the storage one
# team's references and songs may take (0: unlimited).
MUSICGEN_JOBS_PER_HOUR = envint("MUSICGEN_JOBS_PER_HOUR", 30)
MUSICGEN_TEAM_STORAGE_QUOTA_MB = envint("MUSICGEN_TEAM_STORAGE_QUOTA_MB", 0)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- a job's timing ---
# The queue the app's own steps (submit, poll, download) are sent to; the app worker consumes it.
MUSICGEN_APP_QUEUE = envstr("MUSICGEN_APP_QUEUE", "default")
MUSICGEN_JOB_DEADLINE_SECONDS = envint("MUSICGEN_JOB_DEADLINE_SECONDS", 600)
MUSICGEN_POLL_FIRST_DELAY = envint("MUSICGEN_POLL_FIRST_DELAY", 2)
MUSICGEN_POLL_MAX_DELAY = envint("MUSICGEN_POLL_MAX_DELAY", 15)
MUSICGEN_SUBMIT_MAX_ATTEMPTS = envint("MUSICGEN_SUBMIT_MAX_ATTEMPTS", 5)
MUSICGEN_STALE_AFTER_SECONDS = envint("MUSICGEN_STALE_AFTER_SECONDS", 120)
MUSICGEN_RECONCILE_EVERY_SECONDS = envint("MUSICGEN_RECONCILE_EVERY_SECONDS", 60)

# --- share links ---
MUSICGEN_SHARE_DEFAULT_DAYS = 30

# --- the JSON API (api/): personal tokens first, so a missing or bad token answers 401 ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # the docs page's "Try it out"
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "musicgen API",
    "DESCRIPTION": "Start songs from a reference track and lyrics, follow them, download and share them. "
    "Send a personal API token as `Authorization: Bearer <token>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # Swagger UI from our own static files, never a CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- the local generation service (localgen/) ---
LOCALGEN_REFERENCE_MAX_MB = envint("LOCALGEN_REFERENCE_MAX_MB", 50)
LOCALGEN_FETCH_TIMEOUT = envint("LOCALGEN_FETCH_TIMEOUT", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("MUSICGEN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
