"""Settings for the job-flow benchmarks: the app's own, on a database, broker keys and queues of their own.

Values go through os.environ so that the Celery workers the benchmarks start (child processes) see the
same. The database `musicgen_bench_flow` is created on first use and emptied of jobs by each benchmark,
so tests, other benchmarks and a running `make run` never share its rows.
"""

import os
import tempfile
import uuid

BENCH_RUN = os.environ.setdefault("MUSICGEN_BENCH_RUN", uuid.uuid4().hex[:8])

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/musicgen_bench_flow")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("MUSICGEN_VAR_DIR", tempfile.mkdtemp(prefix="musicgen-bench-"))
os.environ.setdefault("MUSICGEN_API_KEY", "mg_bench_key_for_the_loopback_upstream")
os.environ.setdefault("MUSICGEN_APP_QUEUE", f"bench-app-{BENCH_RUN}")
os.environ.setdefault("MUSICGEN_ENGINE_QUEUE", f"bench-engine-{BENCH_RUN}")
os.environ.setdefault("MUSICGEN_DB_CONN_MAX_AGE", "60")  # as docker-compose.yml runs the workers

from musicgen.settings import *  # noqa: E402,F403

CELERY_BROKER_TRANSPORT_OPTIONS = {**CELERY_BROKER_TRANSPORT_OPTIONS, "global_keyprefix": f"bench-{BENCH_RUN}:"}  # noqa: F405
CACHES["default"]["KEY_PREFIX"] = f"bench-{BENCH_RUN}"  # noqa: F405
