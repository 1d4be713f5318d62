"""Failed logins are counted per account and per client address (django-axes), on the login page and the admin's."""

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


@pytest.fixture
def owner(db):
    """Staff, so that the right password opens the admin too."""
    return UserFactory(username="owner", is_staff=True)


@pytest.fixture(params=LOGIN_PAGES)
def login_url(request):
    return reverse(request.param)


def log_in(client, url, username, password, address):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_wrong_passwords_below_the_limit_show_the_form_again(client, owner, login_url):
    for _ in range(FAILURE_LIMIT - 1):
        response = log_in(client, login_url, "owner", "wrong", "10.0.0.1")
        assert response.status_code == 200
    assert "correct username and password" in response.content.decode()


def test_the_tenth_failure_for_one_account_answers_429_with_a_sentence(client, owner, login_url):
    """Per account: the failures come from ten different addresses."""
    for attempt in range(FAILURE_LIMIT - 1):
        log_in(client, login_url, "owner", "wrong", f"10.0.1.{attempt}")
    response = log_in(client, login_url, "owner", "wrong", "10.0.1.99")
    assert response.status_code == 429
    assert "too many failed logins for this account or from this address" in response.content.decode()
    assert response["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME.total_seconds()))


def test_the_right_password_is_refused_during_the_cool_off(client, owner, login_url):
    for attempt in range(FAILURE_LIMIT):
        log_in(client, login_url, "owner", "wrong", f"10.0.2.{attempt}")
    response = log_in(client, login_url, "owner", PASSWORD, "10.0.2.200")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_for_many_accounts_from_one_address_lock_that_address(client, owner, login_url):
    """Per client: ten usernames tried from one address; the owner's right password from there is refused."""
    for attempt in range(FAILURE_LIMIT):
        log_in(client, login_url, f"guess{attempt}", "wrong", "10.0.3.1")
    assert log_in(client, login_url, "owner", PASSWORD, "10.0.3.1").status_code == 429
    assert log_in(client, login_url, "owner", PASSWORD, "10.0.3.2").status_code == 302


def test_a_correct_password_works_again_once_the_cool_off_has_passed(client, owner):
    for _ in range(FAILURE_LIMIT):
        log_in(client, reverse("login"), "owner", "wrong", "10.0.4.1")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    response = log_in(client, reverse("login"), "owner", PASSWORD, "10.0.4.1")
    assert response.status_code == 302


def test_a_forwarded_address_does_not_escape_the_limit_without_a_trusted_proxy(client, owner):
    """Anyone can send X-Forwarded-For: it is read only when MUSICGEN_TRUSTED_PROXY_COUNT says so."""
    for attempt in range(FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": f"guess{attempt}", "password": "wrong"},
            REMOTE_ADDR="10.0.5.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )
    response = client.post(
        reverse("login"),
        {"username": "owner", "password": PASSWORD},
        REMOTE_ADDR="10.0.5.1",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 429
