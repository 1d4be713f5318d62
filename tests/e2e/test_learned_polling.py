"""A real app worker polls a generating job on the schedule learned from recent jobs (jobs/polling.py).

The upstream is the scripted one on loopback (tests/fake_upstream.py), answering "generating" until
8 s after the job was sent. The worker runs on short delays (first poll after 1 s, at most 8 s apart,
at least 0.5 s apart where recent jobs finished). With no history its polls would come 1, 2, 4, 8,
16 s after sending: at most one between 5.65 and 8 s. With recent jobs taking 6-9 s, it polls densely there.
"""

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from jobs import flow
from jobs.models import Job, JobEvent
from jobs.polling import LikelyWindow
from tests.audio_samples import tone_mp3
from tests.conftest import _start_worker, _wait_until_ready, _worker_env, forget_this_runs_cache
from tests.factories import JobFactory
from tests.fake_upstream import FakeUpstream, accepted, status

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

S = Job.Status
RECENT_GENERATION_SECONDS = [6 + 3 * i / 19 for i in range(20)]
UPSTREAM_SECONDS = 8
WORKER_TIMING = {"MUSICGEN_POLL_FIRST_DELAY": "1", "MUSICGEN_POLL_MAX_DELAY": "8", "MUSICGEN_POLL_DENSE_DELAY": "0.5"}
GIVE_UP_AFTER = 120  # seconds: only so that a broken build ends; the polls are what is asserted


def record_recent_jobs(generation_seconds):
    accepted_at = timezone.now() - timedelta(hours=1)
    for seconds in generation_seconds:
        job = JobFactory(status=S.COMPLETED, seen_working_at=accepted_at + timedelta(seconds=seconds - 0.5))
        JobEvent.objects.create(job=job, attempt=1, at=accepted_at, from_status=S.SUBMITTING, to_status=S.GENERATING)
        JobEvent.objects.create(
            job=job,
            attempt=1,
            at=accepted_at + timedelta(seconds=seconds),
            from_status=S.GENERATING,
            to_status=S.DOWNLOADING,
        )


@pytest.fixture
def generator():
    fake = FakeUpstream()
    fake.post_answers = [accepted("gen-learned")]
    song_url = fake.song_url
    fake.get_answers = [
        lambda seconds: (
            status("completed", generation_id="gen-learned", audio_url=song_url)
            if seconds >= UPSTREAM_SECONDS
            else status("generating", generation_id="gen-learned")
        )
    ]
    fake.song_bytes = tone_mp3(3.0)
    yield fake
    fake.close()


@pytest.fixture
def app_worker(live_server, generator, settings):
    forget_this_runs_cache()  # a window another test learned must not stand in for this one's history
    name = f"learned-polling-{os.urandom(3).hex()}"
    # A queue of its own: another app worker of this run, pointed at the local service, must not take its steps.
    settings.MUSICGEN_APP_QUEUE = name
    env = {**_worker_env(live_server.url), **WORKER_TIMING, "MUSICGEN_API_BASE_URL": generator.url}
    env["MUSICGEN_APP_QUEUE"] = name
    process = _start_worker(name, name, 1, env)
    try:
        _wait_until_ready([name], [process])
        yield process
    finally:
        process.terminate()
        process.wait(timeout=20)
        forget_this_runs_cache()  # what this test's history taught must not shape later tests' polls


def test_a_generating_job_is_polled_densely_where_recent_jobs_finished(generator, app_worker, settings):
    for name, value in WORKER_TIMING.items():
        setattr(settings, name, float(value))
    record_recent_jobs(RECENT_GENERATION_SECONDS)
    window = LikelyWindow.from_bounds([(seconds - 0.5, seconds) for seconds in RECENT_GENERATION_SECONDS])
    job = JobFactory()

    flow.schedule("submit", job.id)
    deadline = time.monotonic() + GIVE_UP_AFTER
    while Job.objects.get(id=job.id).status not in Job.FINAL_STATUSES and time.monotonic() < deadline:
        time.sleep(0.5)

    job.refresh_from_db()
    assert job.status == S.COMPLETED, job.error
    polls_in_window = [at for at in generator.status_requests_at() if window.start <= at <= UPSTREAM_SECONDS]
    assert len(polls_in_window) >= 3  # about 5.7, 6.2, 6.7, 7.2, 7.7 s on an idle machine
