"""Fixtures that start real parts once per session: Celery workers on a Redis db of their own.

The workers are child processes pointed at the test database, so they see what a test commits
(tests that use them need `transactional_db`, which `live_server` implies).
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import boto3
import botocore.exceptions
import kombu
import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from musicgen.health import CheckFailed, check_broker
from teams.services import team_add
from tests.factories import UserFactory
from tests.file_server import FileServer

PROJECT_DIR = Path(__file__).resolve().parent.parent
WORKER_LOG_DIR = Path(os.environ["MUSICGEN_VAR_DIR"]) / "worker-logs"


def start_s3_server(endpoint_url, *, bucket, access_key, secret_key, region="us-east-1"):
    """moto in server mode at `endpoint_url` (loopback), with an empty `bucket`; returns its process."""
    endpoint = urlparse(endpoint_url)
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", endpoint.hostname, "-p", str(endpoint.port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        region_name=region,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            s3.create_bucket(Bucket=bucket)
            return server
        except botocore.exceptions.EndpointConnectionError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.2)


@pytest.fixture(scope="session", autouse=True)
def s3_server():
    """With MUSICGEN_STORAGE=s3, an S3 server on loopback (moto in server mode) and an empty bucket."""
    if settings.STORAGE_BACKEND != "s3":
        yield None
        return
    options = settings.STORAGES["default"]["OPTIONS"]
    server = start_s3_server(
        options["endpoint_url"],
        bucket=options["bucket_name"],
        access_key=options["access_key"],
        secret_key=options["secret_key"],
        region=options["region_name"],
    )
    yield options["endpoint_url"]
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session", autouse=True)
def amqp_broker():
    """With an amqp:// broker (RabbitMQ): skip, saying why, where none answers; drop this run's queues after."""
    if not settings.CELERY_BROKER_URL.startswith("amqp"):
        yield None
        return
    try:
        check_broker()
    except CheckFailed:
        pytest.skip(
            "CELERY_BROKER_URL names a RabbitMQ broker, but none answers there: start RabbitMQ to run this pass."
        )
    yield settings.CELERY_BROKER_URL
    with kombu.Connection(settings.CELERY_BROKER_URL) as broker, broker.channel() as channel:
        for queue in (settings.MUSICGEN_APP_QUEUE, settings.MUSICGEN_ENGINE_QUEUE):
            channel.queue_delete(queue)


@pytest.fixture
def file_server():
    """A file server on loopback whose answers the test scripts (tests/file_server.py)."""
    server = FileServer()
    yield server
    server.close()


def forget_this_runs_cache():
    """Rate limits count per client address in the cache; a test that counts starts at zero.

    Only this run's keys are deleted: cache.clear() would empty the Redis db that every other test
    run on the machine shares, and reset their counters in the middle of their tests.
    """
    redis = cache._cache.get_client(write=True)
    keys = list(redis.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
    if keys:
        redis.delete(*keys)


@pytest.fixture
def owner(db):
    """Owns the jobs of a test; their personal team "owner" is the jobs' team."""
    return UserFactory(username="owner")


@pytest.fixture
def teammate(owner):
    """A member (not an admin) of the owner's team: sees the team's jobs, manages none of them."""
    user = UserFactory(username="teammate")
    team_add(team_name=owner.username, user=user)
    return user


@pytest.fixture
def team_admin(owner):
    """An admin of the owner's team: manages the team's jobs as their owner does."""
    user = UserFactory(username="team_admin")
    team_add(team_name=owner.username, user=user, admin=True)
    return user


@pytest.fixture
def outsider(db):
    return UserFactory(username="outsider")


def _worker_env(live_server_url):
    db = connection.settings_dict
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        MUSICGEN_API_BASE_URL=live_server_url,
        MUSICGEN_PUBLIC_BASE_URL=live_server_url,
        DJANGO_SETTINGS_MODULE="tests.settings",
        PYTHONPATH=str(PROJECT_DIR),
    )
    return env


def _start_worker(name, queues, concurrency, env, own_session=False):
    """A Celery worker process; with `own_session`, its pool can be killed at once by process group."""
    WORKER_LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = open(WORKER_LOG_DIR / f"{name}.log", "ab")
    command = [
        sys.executable, "-m", "celery", "-A", "musicgen", "worker", "-n", f"{name}@%h", "-Q", queues,
        "-c", str(concurrency), "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    return subprocess.Popen(
        command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=own_session
    )


def _wait_until_ready(names, processes, timeout=60):
    from musicgen.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a Celery worker exited with {process.returncode}; see {WORKER_LOG_DIR}")
        # A connection of its own each time: a pooled one may be broken by a broker restart under test.
        with app.connection_for_write() as connection_to_broker:
            answered = {
                name for reply in app.control.ping(timeout=0.5, connection=connection_to_broker) for name in reply
            }
        if all(any(a.startswith(f"{n}@") for a in answered) for n in names):
            return
    raise RuntimeError(f"Celery workers did not answer within {timeout} s; see {WORKER_LOG_DIR}")


@pytest.fixture(scope="session")
def celery_workers(live_server, django_db_setup, django_db_blocker):
    """An app worker and an engine worker on this run's two queues, as in production."""
    with django_db_blocker.unblock():
        env = _worker_env(live_server.url)
    workers = {"app": (settings.MUSICGEN_APP_QUEUE, 2), "engine": (settings.MUSICGEN_ENGINE_QUEUE, 1)}
    processes = [_start_worker(name, queues, concurrency, env) for name, (queues, concurrency) in workers.items()]
    # Links the local service hands out (songs) must point at this live server, as the workers' do.
    public_base_url, settings.PUBLIC_BASE_URL = settings.PUBLIC_BASE_URL, live_server.url
    try:
        _wait_until_ready(workers, processes)
        yield live_server
    finally:
        settings.PUBLIC_BASE_URL = public_base_url
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
