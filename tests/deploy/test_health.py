"""/health/ against the real parts: PostgreSQL, Redis, the storage, and a generator over HTTP on loopback."""

import socket

import pytest
from django.test import Client


@pytest.fixture
def closed_port():
    """A loopback port nothing listens on: bound, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def generator_answers(live_server, settings):
    settings.MUSICGEN_API_BASE_URL = live_server.url


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
