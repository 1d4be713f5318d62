"""MUSICGEN_LOG_JSON=true: a real app worker process logs one JSON object a line, with the job's id."""

import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from jobs import flow
from jobs.models import Job
from tests.conftest import WORKER_LOG_DIR, _start_worker, _worker_env
from tests.factories import JobFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# A queue of its own, so the suite's shared app worker never takes this test's task.
QUEUE = "json-logs-test"


@pytest.fixture
def json_logging_worker(live_server, settings):
    env = _worker_env(live_server.url) | {"MUSICGEN_LOG_JSON": "true", "MUSICGEN_APP_QUEUE": QUEUE}
    settings.MUSICGEN_APP_QUEUE = QUEUE
    log_path = WORKER_LOG_DIR / "json-logs.log"
    log_path.unlink(missing_ok=True)
    worker = _start_worker("json-logs", QUEUE, 1, env)
    yield log_path
    worker.terminate()
    worker.wait(timeout=20)


def wait_for_status(job, status, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.status == status:
            return
        time.sleep(0.2)
    raise AssertionError(f"job still {job.status} after {timeout} s")


def wait_for_log_line(log_path, text, timeout=30):
    """The worker logs the failure just after the update the test saw; wait for the line to reach the file."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in log_path.read_text().splitlines():
            if text in line:
                return line
        time.sleep(0.2)
    raise AssertionError(f"no log line with {text!r} in {log_path} after {timeout} s")


def test_worker_logs_one_json_object_a_line_and_lines_about_a_job_carry_its_id(json_logging_worker):
    # Past its deadline, the job's next poll fails it and logs why, without asking any generator.
    job = JobFactory(
        status=Job.Status.GENERATING, generation_id="gen-1", deadline_at=timezone.now() - timedelta(minutes=1)
    )
    flow.schedule("poll", job.id, 0)
    wait_for_status(job, Job.Status.FAILED)

    failure_line = wait_for_log_line(json_logging_worker, f"job {job.id} failed")
    # Celery prints its start-up banner to stdout before logging starts (`celery --quiet` drops it).
    lines = [json.loads(line) for line in json_logging_worker.read_text().splitlines() if line.startswith("{")]
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)
    failure = json.loads(failure_line)
    assert failure["job_id"] == str(job.id)
    assert failure["level"] == "INFO" and failure["logger"] == "jobs.flow"
