"""/health/ against the real parts: PostgreSQL, Redis, the storage, and a generator over HTTP on loopback."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import connection
from django.test import Client

from musicgen import health
from tests.conftest import forget_this_runs_cache


@pytest.fixture(autouse=True)
def fresh_answer(monkeypatch):
    """Each test starts with no answer kept and no request counted, as a freshly started process does."""
    monkeypatch.setattr(health, "RECENT_ANSWER", health.RecentAnswer())
    forget_this_runs_cache()


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def generator_answers(live_server, settings):
    settings.MUSICGEN_API_BASE_URL = live_server.url


class CountingGenerator(BaseHTTPRequestHandler):
    """A generator on loopback that answers every request and counts them."""

    requests_seen = 0

    def do_GET(self):
        type(self).requests_seen += 1
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def counting_generator(settings, db):
    CountingGenerator.requests_seen = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingGenerator)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.MUSICGEN_API_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield CountingGenerator
    server.shutdown()
    server.server_close()


def test_health_is_ok_without_a_login_when_database_broker_storage_and_generator_answer(generator_answers):
    response = Client().get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "database": True,
        "broker": True,
        "storage": True,
        "generator": True,
    }


def test_health_answers_503_naming_the_broker_when_the_broker_is_down(generator_answers, settings, closed_port):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port}/0"
    response = Client().get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["broker"]
    assert "broker does not answer" in body["checks"]["broker"]["detail"]


def test_health_never_shows_credentials_or_addresses_of_a_failing_part(generator_answers, settings, closed_port):
    settings.CELERY_BROKER_URL = f"redis://:broker-password@127.0.0.1:{closed_port}/0"
    settings.MUSICGEN_API_BASE_URL = f"http://127.0.0.1:{closed_port}"
    body = Client().get("/health/").content.decode()
    assert "broker-password" not in body
    assert str(closed_port) not in body and "127.0.0.1" not in body


def test_many_requests_within_ten_seconds_reach_the_generator_once(counting_generator):
    for address in ("127.0.0.1", "127.0.0.2"):
        for _ in range(health.REQUESTS_PER_MINUTE):
            assert Client().get("/health/", REMOTE_ADDR=address).status_code == 200
    assert counting_generator.requests_seen == 1


def test_the_checks_run_again_once_the_answer_is_ten_seconds_old(counting_generator):
    Client().get("/health/")
    health.RECENT_ANSWER._taken_at -= health.ANSWER_SECONDS
    Client().get("/health/")
    assert counting_generator.requests_seen == 2


def ask_for_health_in_a_thread_of_its_own():
    try:
        Client().get("/health/")
    finally:
        connection.close()  # this thread's own connection to the test database


def test_concurrent_requests_while_the_checks_run_wait_for_one_run(counting_generator):
    threads = [threading.Thread(target=ask_for_health_in_a_thread_of_its_own) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counting_generator.requests_seen == 1


def test_one_address_past_the_limit_gets_429_with_retry_after_and_others_still_get_the_answer(counting_generator):
    for _ in range(health.REQUESTS_PER_MINUTE):
        Client().get("/health/", REMOTE_ADDR="127.0.0.1")
    refused = Client().get("/health/", REMOTE_ADDR="127.0.0.1")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Too many health checks from this address" in refused.content.decode()
    assert Client().get("/health/", REMOTE_ADDR="127.0.0.2").status_code == 200


def test_health_still_answers_when_the_cache_that_counts_requests_is_down(counting_generator, settings, closed_port):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/1",
        }
    }
    assert Client().get("/health/").status_code == 200
