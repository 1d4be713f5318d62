"""musicgen settings: every value comes from the environment, with defaults for a local run.

The defaults give a working app on a fresh machine (SQLite, Redis on localhost, files under
var/, the local generation service on this same server). Production sets MUSICGEN_DEBUG=false,
which makes a missing or weak secret key a loud error instead of a silent default, and behind an
HTTPS proxy MUSICGEN_HTTPS=true.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

from generation import catalogue
from plumbing.fetching import parse_origins

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MUSICGEN_VAR_DIR", BASE_DIR / "var"))


def envstr(name, default=""):
    # Empty counts as unset, as in envint and envbool: docker-compose passes unset settings as "".
    return os.environ.get(name) or default


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


def envfloat(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}") from None


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

DEVELOPMENT_SECRET_KEY = "musicgen-local-development-only-not-secret"
ENV_EXAMPLE_SECRET_KEY = "change-me-to-50-random-characters"  # .env.example's placeholder
SECRET_KEY = envsecret("MUSICGEN_SECRET_KEY")


def secret_key_problem(key):
    """Why `key` cannot sign sessions and links with DEBUG off, or None. A guessable key lets anyone forge
    them, on loopback too (where Django's deploy check would only warn): refused whatever MUSICGEN_HTTPS says."""
    if not key:
        return "MUSICGEN_SECRET_KEY must be set when MUSICGEN_DEBUG is false."
    how = (
        f"set it to at least {SECRET_KEY_MIN_LENGTH} random characters, e.g. from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )
    if key == DEVELOPMENT_SECRET_KEY:
        return f"MUSICGEN_SECRET_KEY is the development key, which anyone can read in musicgen/settings.py: {how}"
    if key == ENV_EXAMPLE_SECRET_KEY:
        return f"MUSICGEN_SECRET_KEY is still the placeholder copied from .env.example: {how}"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"MUSICGEN_SECRET_KEY is only {len(key)} characters long, too short to be unguessable: {how}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS or key.startswith(SECRET_KEY_INSECURE_PREFIX):
        return f"MUSICGEN_SECRET_KEY is a guessable pattern (too few different characters, or Django's example): {how}"
    return None


if not DEBUG:
    if problem := secret_key_problem(SECRET_KEY):
        raise ImproperlyConfigured(problem)
elif not SECRET_KEY:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = [h for h in envstr("MUSICGEN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",") if h]

# Where this server is reachable by the generator and by people following share links.
PUBLIC_BASE_URL = envstr("MUSICGEN_PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
PUBLIC_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(PUBLIC_BASE_URL))
CSRF_TRUSTED_ORIGINS = [o for o in envstr("MUSICGEN_CSRF_TRUSTED_ORIGINS").split(",") if o] or [PUBLIC_ORIGIN]

# --- behind an HTTPS proxy (nginx...): one switch for every setting that depends on it ---
HTTPS = envbool("MUSICGEN_HTTPS", False)
# How many proxies in front of us append to X-Forwarded-For; the client address is read from there
# only when this is more than 0 (see plumbing/ratelimit.py), since anyone can send that header.
TRUSTED_PROXY_COUNT = envint("MUSICGEN_TRUSTED_PROXY_COUNT", 1 if HTTPS else 0)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]  # the proxy's and the orchestrator's checks speak plain HTTP
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
# Preloading HSTS is a promise about the whole domain to the browsers' built-in lists, which only the
# domain's owner can make (and submit); the header is sent without it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "csp",
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
    "plumbing.uploads.RequestBodyLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a login refused during a lock-out into the 429 page.
    "axes.middleware.AxesMiddleware",
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
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes counts failed logins (the login page and the admin's) per client address; past the limit
# that address is refused, a correct password too, until the cool-off has passed. Never per account
# alone: then anyone could keep any account (the superuser's too) locked out from everywhere. An
# account's failures from one address are among that address's, so the pair is locked with it.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 10
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=envint("MUSICGEN_LOGIN_COOLOFF_MINUTES", 15))
AXES_CLIENT_IP_CALLABLE = "plumbing.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "plumbing.ratelimit.login_lockout_response"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "jobs:history"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = envstr("MUSICGEN_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("MUSICGEN_STATIC_ROOT", str(BASE_DIR / "staticfiles")))  # collectstatic writes here

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
    # Where browsers reach the store (say, through the reverse proxy) when the servers use an internal name.
    if envstr("MUSICGEN_S3_PUBLIC_ENDPOINT_URL"):
        default_storage["BACKEND"] = "plumbing.storage.PublicEndpointS3Storage"
        default_storage["OPTIONS"]["public_endpoint_url"] = envstr("MUSICGEN_S3_PUBLIC_ENDPOINT_URL")
else:
    raise ImproperlyConfigured(f"MUSICGEN_STORAGE must be 'filesystem' or 's3', not {STORAGE_BACKEND!r}")

# Pages load only our own static files. Audio on S3 is played from the presigned URL the audio views
# redirect to, so that origin may serve media. wavesurfer.js puts a <style> into its shadow root: it
# carries the request's nonce (templates pass `request.csp_nonce` to static/js/player.js).
if STORAGE_BACKEND == "s3":
    s3_endpoint = default_storage["OPTIONS"]["endpoint_url"]
    s3_origin = "{0.scheme}://{0.netloc}".format(urlsplit(s3_endpoint)) if s3_endpoint else "https://*.amazonaws.com"
    STORAGE_MEDIA_ORIGINS = [s3_origin]
else:
    STORAGE_MEDIA_ORIGINS = []
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],  # Pico draws its form icons as inline SVG
        # blob: is the person's own chosen file, played on the new-song page before it is uploaded.
        "media-src": [SELF, "blob:", *STORAGE_MEDIA_ORIGINS],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

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
# A web request that sends a message while the broker is down must answer in a few seconds, not hang:
# the job stays queued in the database and the reconciler sends it once the broker is back.
# (Above a worker's 1 s BRPOP, so waiting for work never times out.)
MUSICGEN_BROKER_PUBLISH_TIMEOUT = envint("MUSICGEN_BROKER_PUBLISH_TIMEOUT", 3)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": envint("MUSICGEN_BROKER_VISIBILITY_TIMEOUT", 3600),
    "socket_connect_timeout": MUSICGEN_BROKER_PUBLISH_TIMEOUT,
    "socket_timeout": MUSICGEN_BROKER_PUBLISH_TIMEOUT,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = MUSICGEN_BROKER_PUBLISH_TIMEOUT
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
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


def envmodels(name):
    """The models the generator offers (generation/catalogue.py names), comma-separated; default all."""
    names = [part.strip() for part in envstr(name, ",".join(catalogue.MODELS)).split(",") if part.strip()]
    unknown = [model for model in names if model not in catalogue.MODELS]
    if unknown or not names:
        raise ImproperlyConfigured(f"{name} must list models of {', '.join(catalogue.MODELS)}; not {unknown or names}")
    return names


MUSICGEN_API_MODELS = envmodels("MUSICGEN_API_MODELS")
MUSICGEN_API_CONNECT_TIMEOUT = envint("MUSICGEN_API_CONNECT_TIMEOUT", 5)
MUSICGEN_API_READ_TIMEOUT = envint("MUSICGEN_API_READ_TIMEOUT", 30)
# One deadline for a whole song download (connect, redirects, every read), not per read.
MUSICGEN_SONG_DOWNLOAD_TIMEOUT = envint("MUSICGEN_SONG_DOWNLOAD_TIMEOUT", 120)

# --- limits ---
MUSICGEN_REFERENCE_MAX_SECONDS = envint("MUSICGEN_REFERENCE_MAX_SECONDS", 600)
MUSICGEN_REFERENCE_MAX_MB = envint("MUSICGEN_REFERENCE_MAX_MB", 50)
MUSICGEN_SONG_MAX_MB = envint("MUSICGEN_SONG_MAX_MB", 100)
# A file uploaded on the new-song page waits this long for its song to be submitted, then is deleted.
MUSICGEN_DRAFT_REFERENCE_HOURS = envint("MUSICGEN_DRAFT_REFERENCE_HOURS", 24)
# A body may declare at most the largest reference plus this much (plumbing/uploads.py): the form's
# other fields, multipart framing, or a JSON request to the local service.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000_000
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200  # our forms have a handful; the admin's bulk actions up to a page of rows
DATA_UPLOAD_MAX_NUMBER_FILES = 1  # every form takes one reference
# New songs one person may start in an hour (page and API alike; 0: no limit), and the storage one
# team's references and songs may take (0: unlimited).
MUSICGEN_JOBS_PER_HOUR = envint("MUSICGEN_JOBS_PER_HOUR", 30)
MUSICGEN_TEAM_STORAGE_QUOTA_MB = envint("MUSICGEN_TEAM_STORAGE_QUOTA_MB", 0)
# "Make 2 versions": one upload may ask for up to this many songs, each a job of its own.
MUSICGEN_MAX_VERSIONS = envint("MUSICGEN_MAX_VERSIONS", 4)
if MUSICGEN_MAX_VERSIONS < 1:
    raise ImproperlyConfigured(f"MUSICGEN_MAX_VERSIONS must be 1 or more, not {MUSICGEN_MAX_VERSIONS}.")
# Not a limit: an upload up to this size is held in memory, a larger one goes to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "plumbing.uploads.UploadSizeCapHandler",  # first: stops reading past the largest reference
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- a job's timing ---
# The queue the app's own steps (submit, poll, download) are sent to; the app worker consumes it.
MUSICGEN_APP_QUEUE = envstr("MUSICGEN_APP_QUEUE", "default")
# The queue of the local service's renders; the engine worker consumes it. Beat's tasks go to the app queue.
MUSICGEN_ENGINE_QUEUE = envstr("MUSICGEN_ENGINE_QUEUE", "engine")
CELERY_TASK_DEFAULT_QUEUE = MUSICGEN_APP_QUEUE
CELERY_TASK_ROUTES = {"localgen.tasks.*": {"queue": MUSICGEN_ENGINE_QUEUE}}
MUSICGEN_JOB_DEADLINE_SECONDS = envint("MUSICGEN_JOB_DEADLINE_SECONDS", 600)
# Seconds between polls of a generating job; where recent jobs finished, polls come closer (jobs/polling.py).
MUSICGEN_POLL_FIRST_DELAY = envfloat("MUSICGEN_POLL_FIRST_DELAY", 2)
MUSICGEN_POLL_MAX_DELAY = envfloat("MUSICGEN_POLL_MAX_DELAY", 15)
MUSICGEN_POLL_DENSE_DELAY = envfloat("MUSICGEN_POLL_DENSE_DELAY", 1)
MUSICGEN_POLL_LEARN_FROM = envint("MUSICGEN_POLL_LEARN_FROM", 20)  # recent jobs; 0: the fixed backoff only
MUSICGEN_SUBMIT_MAX_ATTEMPTS = envint("MUSICGEN_SUBMIT_MAX_ATTEMPTS", 5)
MUSICGEN_STALE_AFTER_SECONDS = envint("MUSICGEN_STALE_AFTER_SECONDS", 120)
MUSICGEN_RECONCILE_EVERY_SECONDS = envint("MUSICGEN_RECONCILE_EVERY_SECONDS", 60)
# Saving a finished song: tries (a worker killed mid-download counts as one) and the time allowed.
MUSICGEN_DOWNLOAD_MAX_ATTEMPTS = envint("MUSICGEN_DOWNLOAD_MAX_ATTEMPTS", 3)
MUSICGEN_DOWNLOAD_DEADLINE_SECONDS = envint("MUSICGEN_DOWNLOAD_DEADLINE_SECONDS", 300)

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
LOCALGEN_FETCH_TIMEOUT = envint("LOCALGEN_FETCH_TIMEOUT", 60)  # one deadline for the whole fetch
# References are fetched from public addresses only; these origins (scheme://host:port) are trusted
# besides PUBLIC_BASE_URL and the S3 endpoint, which localgen/reference.py always allows.
try:
    LOCALGEN_ALLOWED_REFERENCE_ORIGINS = parse_origins(envstr("LOCALGEN_ALLOWED_REFERENCE_ORIGINS"))
except ValueError as exc:
    raise ImproperlyConfigured(f"LOCALGEN_ALLOWED_REFERENCE_ORIGINS: {exc}.") from None
# Requests with a missing or wrong API key one client address may send per minute before it is refused.
LOCALGEN_KEY_FAILURES_PER_MINUTE = envint("LOCALGEN_KEY_FAILURES_PER_MINUTE", 20)
# A render writes a heartbeat every few seconds; one silent for LOCALGEN_LOST_AFTER_SECONDS lost its
# worker and is sent again (so is a queued one whose message was lost), up to LOCALGEN_RENDER_MAX_TRIES.
LOCALGEN_HEARTBEAT_SECONDS = envint("LOCALGEN_HEARTBEAT_SECONDS", 5)
LOCALGEN_LOST_AFTER_SECONDS = envint("LOCALGEN_LOST_AFTER_SECONDS", 60)
LOCALGEN_RENDER_MAX_TRIES = envint("LOCALGEN_RENDER_MAX_TRIES", 3)
LOCALGEN_SWEEP_EVERY_SECONDS = envint("LOCALGEN_SWEEP_EVERY_SECONDS", 30)

# One JSON object a line (for a log collector) with MUSICGEN_LOG_JSON=true; lines about a job carry its id.
LOG_JSON = envbool("MUSICGEN_LOG_JSON", False)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "plumbing.logs.JsonFormatter"},
    },
    "filters": {"job_id": {"()": "plumbing.logs.JobIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_JSON else "plain",
            "filters": ["job_id"],
        }
    },
    "root": {"handlers": ["console"], "level": envstr("MUSICGEN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
