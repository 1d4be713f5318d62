"""Failed logins are counted per client address (django-axes), on the login page and the admin's, never per
account alone: a stranger's failures for an account lock out their own address, not the account's owner."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory

PASSWORD = "correct horse battery"  # tests/factories.py UserFactory
FAILURE_LIMIT = settings.AXES_FAILURE_LIMIT
LOGIN_PAGES = ["login", "admin:login"]
# Two people's machines, both on loopback, and a proxy in front of them for the tests that need one.
HERE, ELSEWHERE, PROXY = "127.0.0.1", "127.0.0.2", "127.0.0.9"


@pytest.fixture
def owner(db):
    """Staff, so that the right password opens the admin too."""
    return UserFactory(username="owner", is_staff=True)


@pytest.fixture(params=LOGIN_PAGES)
def login_url(request):
    return reverse(request.param)


def log_in(client, url, username, password, address, forwarded_for=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def test_wrong_passwords_below_the_limit_show_the_form_again(client, owner, login_url):
    for _ in range(FAILURE_LIMIT - 1):
        response = log_in(client, login_url, "owner", "wrong", HERE)
        assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_the_tenth_failure_from_one_address_answers_429_with_a_sentence(client, owner, login_url):
    for _ in range(FAILURE_LIMIT - 1):
        log_in(client, login_url, "owner", "wrong", HERE)
    response = log_in(client, login_url, "owner", "wrong", HERE)
    assert response.status_code == 429
    assert "too many failed logins from this address" in response.content.decode()
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))


def test_the_right_password_is_refused_from_that_address_during_the_cool_off(client, owner, login_url):
    for _ in range(FAILURE_LIMIT):
        log_in(client, login_url, "owner", "wrong", HERE)
    response = log_in(client, login_url, "owner", PASSWORD, HERE)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_for_the_superuser_from_one_address_do_not_lock_the_superuser_out_from_another(client, db, login_url):
    UserFactory(username="admin", is_staff=True, is_superuser=True)
    for _ in range(FAILURE_LIMIT):
        log_in(client, login_url, "admin", "wrong", HERE)
    assert log_in(client, login_url, "admin", PASSWORD, HERE).status_code == 429
    assert log_in(client, login_url, "admin", PASSWORD, ELSEWHERE).status_code == 302


def test_failures_for_one_account_spread_over_addresses_never_lock_the_account(client, owner, login_url):
    """Past the limit in all, below it from each address."""
    for address in (HERE, ELSEWHERE):
        for _ in range(FAILURE_LIMIT - 1):
            log_in(client, login_url, "owner", "wrong", address)
    assert log_in(client, login_url, "owner", PASSWORD, HERE).status_code == 302


def test_failures_for_many_accounts_from_one_address_lock_that_address(client, owner, login_url):
    """Ten usernames tried from one address; the owner's right password from there is refused."""
    for attempt in range(FAILURE_LIMIT):
        log_in(client, login_url, f"guess{attempt}", "wrong", HERE)
    assert log_in(client, login_url, "owner", PASSWORD, HERE).status_code == 429
    assert log_in(client, login_url, "owner", PASSWORD, ELSEWHERE).status_code == 302


def test_a_correct_password_works_again_once_the_cool_off_has_passed(client, owner):
    for _ in range(FAILURE_LIMIT):
        log_in(client, reverse("login"), "owner", "wrong", HERE)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    response = log_in(client, reverse("login"), "owner", PASSWORD, HERE)
    assert response.status_code == 302


def test_a_forwarded_address_does_not_escape_the_limit_without_a_trusted_proxy(client, owner):
    """Anyone can send X-Forwarded-For: it is read only when MUSICGEN_TRUSTED_PROXY_COUNT says so."""
    for _ in range(FAILURE_LIMIT):
        log_in(client, reverse("login"), "owner", "wrong", HERE, forwarded_for=ELSEWHERE)
    response = log_in(client, reverse("login"), "owner", PASSWORD, HERE, forwarded_for="127.0.0.3")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_lock_holds_the_address_the_proxy_saw(client, owner, settings):
    """Both people reach us through one proxy on 127.0.0.9; it appends each one's address to X-Forwarded-For."""
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(FAILURE_LIMIT):
        log_in(client, reverse("login"), "owner", "wrong", PROXY, forwarded_for=HERE)
    assert log_in(client, reverse("login"), "owner", PASSWORD, PROXY, forwarded_for=HERE).status_code == 429
    assert log_in(client, reverse("login"), "owner", PASSWORD, PROXY, forwarded_for=ELSEWHERE).status_code == 302
