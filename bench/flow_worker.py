"""The app's Celery app, as `celery -A bench.flow_worker worker` runs it for the job-flow benchmarks.

The same tasks and settings as production, plus one measurement: when each poll starts, how late it is
against the time it was scheduled for (its ETA), pushed to a Redis list the benchmark reads.
"""

import os
from datetime import datetime

import redis
from celery import signals

from musicgen.celery import app  # noqa: F401 - the app `celery -A` looks for

LATENESS_KEY = f"bench-{os.environ['MUSICGEN_BENCH_RUN']}:poll-lateness"
_lateness_log = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])


@signals.task_prerun.connect
def record_poll_lateness(task=None, **kwargs):
    if task.name != "jobs.tasks.poll" or not task.request.eta:
        return
    scheduled = datetime.fromisoformat(task.request.eta)
    _lateness_log.rpush(LATENESS_KEY, (datetime.now(scheduled.tzinfo) - scheduled).total_seconds())
