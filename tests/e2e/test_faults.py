"""Faults with real processes: workers SIGKILLed, the broker restarted empty, claims raced.

Each test runs its own Redis on a free port as the broker (tests/redis_server.py), its own app and
engine workers as processes against the test database, and the live server as the local generation
service. The reconciler and the sweep run from the test on a short period with short stale times
(what beat does in production every minute and every 30 s). Outcomes are asserted, never timings.
"""

import logging
import os
import random
import signal
import subprocess
import threading
import time

import pytest
import soundfile
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from jobs import audio, flow
from jobs.models import Job
from localgen import flow as localgen_flow
from localgen.keys import generation_key_create
from localgen.models import Generation
from teams.selectors import teams_of
from tests.audio_samples import tone_wav
from tests.conftest import _start_worker, _wait_until_ready, _worker_env
from tests.factories import JobFactory, UserFactory
from tests.fake_upstream import FakeUpstream
from tests.jobs.conftest import StepQueue
from tests.redis_server import RedisServer, broker_of_this_process

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
logger = logging.getLogger(__name__)

LYRICS = "##\nShort song\n##"  # short lyrics: quick renders
JOBS_IN_FLIGHT = 30
GIVE_UP_AFTER = 900  # seconds: only so that a broken build ends; outcomes are what is asserted
# Short enough that a lost step or render is noticed within seconds, long enough that a healthy one is not.
STALE_AFTER_SECONDS = 10
WORKER_TIMING = {
    "MUSICGEN_POLL_FIRST_DELAY": "1",
    "MUSICGEN_POLL_MAX_DELAY": "2",
    "LOCALGEN_HEARTBEAT_SECONDS": "1",
    # 30 renders wait in line for one engine worker: on a busy 2-core machine the last one can start
    # well after the 10-minute job deadline, which is a capacity limit, not a fault under test.
    "MUSICGEN_JOB_DEADLINE_SECONDS": "3600",
}


class Worker:
    """One Celery worker process (and its pool), killed with SIGKILL and started again at will."""

    def __init__(self, name, queue, env):
        self.name, self.queue, self.env = name, queue, env
        self.process = None

    def start(self):
        self.process = _start_worker(self.name, self.queue, 1, self.env, own_session=True)
        _wait_until_ready([self.name], [self.process])

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)  # the main process and its pool, as an OOM kill would
        self.process.wait(timeout=20)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class Rig:
    def __init__(self, broker, app_worker, engine_worker):
        self.broker, self.app_worker, self.engine_worker = broker, app_worker, engine_worker

    def run_reconcilers_for(self, seconds):
        """Let the system work for a while, running the reconciler and the sweep as beat would."""
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            flow.reconcile()
            localgen_flow.sweep_stale()
            time.sleep(1)

    def wait_until(self, condition, what):
        deadline = time.monotonic() + GIVE_UP_AFTER
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"gave up waiting until {what}; see the worker logs")
            self.run_reconcilers_for(2)


@pytest.fixture
def rig(live_server, settings):
    settings.MUSICGEN_STALE_AFTER_SECONDS = STALE_AFTER_SECONDS
    settings.LOCALGEN_LOST_AFTER_SECONDS = STALE_AFTER_SECONDS
    settings.PUBLIC_BASE_URL = live_server.url  # the songs' links the local service hands out
    generation_key_create(name="app", plaintext=settings.MUSICGEN_API_KEY)
    broker = RedisServer()
    broker.start()
    workers = []
    try:
        with broker_of_this_process(broker.url):
            env = {**_worker_env(live_server.url), **WORKER_TIMING, "CELERY_BROKER_URL": broker.url}
            suffix = os.urandom(3).hex()
            workers = [
                Worker(f"faults-app-{suffix}", settings.MUSICGEN_APP_QUEUE, env),
                Worker(f"faults-engine-{suffix}", settings.MUSICGEN_ENGINE_QUEUE, env),
            ]
            for worker in workers:
                worker.start()
            yield Rig(broker, *workers)
    finally:
        for worker in workers:
            worker.stop()
        broker.stop()


def create_job(owner):
    reference = ContentFile(tone_wav(16.0), name="reference.wav")
    return flow.job_create(
        owner=owner,
        team=teams_of(owner).get(),  # the personal team every account gets
        prompt=LYRICS,
        reference_track=reference,
        reference_info=audio.measure_reference(reference),
    )


def count(statuses):
    return Job.objects.filter(status__in=statuses).count()


def test_thirty_jobs_complete_once_each_through_two_worker_kills_and_an_emptied_broker(rig):
    seed = random.randrange(2**32)
    chance = random.Random(seed)
    logger.warning("fault schedule seed: %s", seed)
    owner = UserFactory(username="steady")
    for _ in range(JOBS_IN_FLIGHT):
        create_job(owner)
    # A kill while a job is being sent ends that job failed on purpose (it may have been paid for;
    # tests/jobs prove it), so the faults start once every job has its generation.
    rig.wait_until(lambda: count([Job.Status.QUEUED, Job.Status.SUBMITTING]) == 0, "every job was sent")

    rig.run_reconcilers_for(chance.uniform(2, 30))
    rig.app_worker.kill()
    rig.run_reconcilers_for(chance.uniform(0, 5))
    rig.app_worker.start()
    rig.run_reconcilers_for(chance.uniform(2, 30))
    rig.broker.restart_empty()
    rig.run_reconcilers_for(chance.uniform(2, 30))
    rig.app_worker.kill()
    rig.run_reconcilers_for(chance.uniform(0, 5))
    rig.app_worker.start()
    rig.wait_until(lambda: count(Job.MOVING_STATUSES) == 0, "every job ended")

    jobs = list(Job.objects.all())
    assert [job.error for job in jobs if job.status != Job.Status.COMPLETED] == []
    assert len(jobs) == JOBS_IN_FLIGHT
    assert Generation.objects.count() == JOBS_IN_FLIGHT  # one accepted POST per job: none paid twice
    for job in jobs:
        with default_storage.open(job.song.name) as song:
            assert soundfile.info(song).duration > 10


def test_a_render_whose_engine_worker_is_killed_is_rendered_again_and_the_job_completes(rig):
    job = create_job(UserFactory(username="patient"))
    rig.wait_until(lambda: Generation.objects.filter(status=Generation.Status.GENERATING).exists(), "a render started")

    rig.engine_worker.kill()
    rig.engine_worker.start()
    rig.wait_until(lambda: count(Job.MOVING_STATUSES) == 0, "the job ended")

    job.refresh_from_db()
    generation = Generation.objects.get()
    assert (job.status, job.error) == (Job.Status.COMPLETED, "")
    assert generation.render_tries == 2


@pytest.fixture
def fake_upstream(settings):
    fake = FakeUpstream()
    settings.MUSICGEN_API_BASE_URL = fake.url
    settings.MUSICGEN_API_KEY = "test-key"
    steps = StepQueue("test-steps-claims")
    settings.MUSICGEN_APP_QUEUE = steps.name  # the poll the winner schedules goes nowhere
    yield fake
    steps.clear()
    fake.close()


def race(step, job_id, racers=2):
    """Run `step(job_id)` in `racers` threads, each with its own database connection, released at once."""
    start = threading.Barrier(racers)

    def run():
        try:
            start.wait()
            step(job_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def test_two_workers_claiming_one_job_at_once_send_one_post(fake_upstream):
    job = JobFactory()

    race(flow.submit_step, job.id)

    job.refresh_from_db()
    assert job.status == Job.Status.GENERATING
    assert len(fake_upstream.posts()) == 1
    assert job.events.filter(to_status=Job.Status.SUBMITTING).count() == 1


def test_two_moves_of_one_job_at_once_move_it_once():
    job = JobFactory()
    outcomes = []

    race(
        lambda job_id: outcomes.append(flow.move(job_id, from_statuses=(Job.Status.QUEUED,), to=Job.Status.SUBMITTING)),
        job.id,
    )

    assert sorted(outcomes) == [False, True]
