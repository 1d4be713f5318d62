"""Settings for the test suite: the app's own settings, pointed at PostgreSQL and a Redis db of its own.

Values go through os.environ so that the Celery workers the tests start (child processes) see the same.
"""

import os
import tempfile
import uuid

# Each run gets its own test database and broker keys, so two runs on one machine never share work.
TEST_RUN = os.environ.setdefault("MUSICGEN_TEST_RUN", uuid.uuid4().hex[:8])

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/musicgen")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("MUSICGEN_VAR_DIR", tempfile.mkdtemp(prefix="musicgen-test-"))
os.environ.setdefault("MUSICGEN_API_KEY", "mg_test_app_key_for_the_local_service")
# Queues of their own as well: on RabbitMQ, where keys have no prefix, runs share a broker by queue name.
os.environ.setdefault("MUSICGEN_APP_QUEUE", f"default-{TEST_RUN}")
os.environ.setdefault("MUSICGEN_ENGINE_QUEUE", f"engine-{TEST_RUN}")
# Playwright's sync API runs an event loop in the test thread; Django's test database set-up is sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from musicgen.settings import *  # noqa: E402,F403

DATABASES["default"]["TEST"] = {"NAME": f"test_musicgen_{TEST_RUN}"}  # noqa: F405
CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": f"test-{TEST_RUN}:"}  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = f"test-{TEST_RUN}"  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
