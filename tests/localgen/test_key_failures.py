"""Guessing API keys: failed Bearer attempts are counted per client address, and past the limit refused."""

import itertools

import pytest
from django.conf import settings
from django.urls import reverse

from tests.localgen.conftest import bearer

LIMIT = settings.LOCALGEN_KEY_FAILURES_PER_MINUTE
ENDPOINTS = ["localgen:generate_audio", "localgen:analyze_audio"]


# The counters live in the cache for a minute, across tests: each test sends from addresses of its own.
ADDRESSES = (f"10.1.{n // 250}.{n % 250 + 1}" for n in itertools.count())


@pytest.fixture(params=ENDPOINTS)
def endpoint(request):
    return reverse(request.param)


@pytest.fixture
def address():
    return next(ADDRESSES)


def send(client, url, plaintext, address):
    return client.post(url, data=b"{}", content_type="application/json", headers=bearer(plaintext), REMOTE_ADDR=address)


def use_up_failures(client, url, address):
    for _ in range(LIMIT):
        assert send(client, url, "mg_guess", address).status_code == 401


def test_past_the_limit_of_wrong_keys_the_address_gets_429_json_with_retry_after(client, app_key, endpoint, address):
    use_up_failures(client, endpoint, address)
    response = send(client, endpoint, "mg_guess", address)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many requests with a missing or wrong API key" in response.json()["error"]


def test_a_valid_key_is_refused_too_while_the_address_is_blocked(client, app_key, endpoint, address):
    _, plaintext = app_key
    use_up_failures(client, endpoint, address)
    assert send(client, endpoint, plaintext, address).status_code == 429


def test_other_addresses_keep_working_while_one_is_blocked(client, app_key, address):
    _, plaintext = app_key
    url = reverse("localgen:generate_audio")
    use_up_failures(client, url, address)
    assert send(client, url, plaintext, next(ADDRESSES)).status_code == 422  # reached the body's validation


def test_requests_with_a_valid_key_are_not_counted(client, app_key, address):
    _, plaintext = app_key
    url = reverse("localgen:generate_audio")
    for _ in range(LIMIT + 5):
        assert send(client, url, plaintext, address).status_code == 422
