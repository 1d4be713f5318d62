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
import pytest
from django.conf import settings
from django.db import connection

from teams.services import team_add
from tests.factories import UserFactory

PROJECT_DIR = Path(__file__).resolve().parent.parent
WORKER_LOG_DIR = Path(os.environ["MUSICGEN_VAR_DIR"]) / "worker-logs"


@pytest.fixture(scope="session", autouse=True)
def s3_server():
    """With MUSICGEN_STORAGE=s3, an S3 server on loopback (moto in server mode) and an empty bucket."""
    if settings.STORAGE_BACKEND != "s3":
        yield None
        return
    options = settings.STORAGES["default"]["OPTIONS"]
    endpoint = urlparse(options["endpoint_url"])
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", endpoint.hostname, "-p", str(endpoint.port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    s3 = boto3.client(
        "s3",
        endpoint_url=options["endpoint_url"],
        aws_access_key_id=options["access_key"],
        aws_secret_access_key=options["secret_key"],
        region_name=options["region_name"],
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            s3.create_bucket(Bucket=options["bucket_name"])
            break
        except botocore.exceptions.EndpointConnectionError:
            if time.monotonic() > deadline:
                server.kill()
                raise
            time.sleep(0.2)
    yield options["endpoint_url"]
    server.terminate()
    server.wait(timeout=10)


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


def _start_worker(name, queues, concurrency, env):
    WORKER_LOG_DIR.mkdir(parents=True, exist_ok=True)
    log = open(WORKER_LOG_DIR / f"{name}.log", "ab")
    command = [
        sys.executable, "-m", "celery", "-A", "musicgen", "worker", "-n", f"{name}@%h", "-Q", queues,
        "-c", str(concurrency), "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)


def _wait_until_ready(names, processes, timeout=60):
    from musicgen.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a Celery worker exited with {process.returncode}; see {WORKER_LOG_DIR}")
        answered = {name for reply in app.control.ping(timeout=0.5) for name in reply}
        if all(any(a.startswith(f"{n}@") for a in answered) for n in names):
            return
    raise RuntimeError(f"Celery workers did not answer within {timeout} s; see {WORKER_LOG_DIR}")


@pytest.fixture(scope="session")
def celery_workers(live_server, django_db_setup, django_db_blocker):
    """An app worker (queue "default") and an engine worker (queue "engine"), as in production."""
    with django_db_blocker.unblock():
        env = _worker_env(live_server.url)
    workers = {"app": ("default", 2), "engine": ("engine", 1)}
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
