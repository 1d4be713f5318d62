"""With DEBUG off (as pytest-django runs), errors answer our own pages: a sentence, no internals."""

import pytest
from django.test import Client
from django.urls import reverse


def test_an_unknown_address_answers_our_404_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "This page does not exist, or it is not yours to see." in response.content.decode()


@pytest.mark.urls("tests.web.error_urls")
def test_an_unexpected_error_answers_our_500_page_without_internals(client, db):
    client.raise_request_exception = False
    response = client.get("/test-failure/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "internal detail" not in page and "RuntimeError" not in page


@pytest.mark.urls("tests.web.error_urls")
def test_a_refused_action_answers_our_403_page(client, db):
    response = client.get("/test-forbidden/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You are not allowed to do this" in page
    assert "internal reason" not in page


def test_a_request_for_an_unknown_host_answers_our_400_page(client, db):
    response = client.get(reverse("login"), HTTP_HOST="not-ours.example")
    assert response.status_code == 400
    assert "This request could not be understood" in response.content.decode()


def test_a_form_without_its_csrf_token_answers_that_it_expired(db):
    response = Client(enforce_csrf_checks=True).post(reverse("login"), {"username": "owner", "password": "x"})
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
