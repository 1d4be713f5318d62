import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from api.models import ApiToken
from api.tokens import api_token_create
from tests.web.conftest import logged_in

JOBS = reverse("api:jobs")


@pytest.mark.django_db
def test_no_token_answers_401_asking_for_a_bearer_token(client):
    response = client.get(JOBS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_unknown_or_revoked_token_answers_401_with_what_to_do(owner):
    api_token, token = api_token_create(user=owner, name="old")
    api_token.delete()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(JOBS)
    assert response.status_code == 401
    assert "unknown or was revoked" in response.json()["detail"]


def test_tokens_are_stored_only_as_a_prefix_and_a_hash(owner):
    api_token, token = api_token_create(user=owner, name="ci")
    assert token.startswith("mgu_") and token.startswith(api_token.prefix)
    assert token not in (api_token.token_hash, api_token.prefix)


def test_the_settings_page_shows_a_new_token_once_then_lists_it_by_prefix(owner):
    client = logged_in(owner)
    created = client.post(reverse("api:tokens"), {"name": "nightly"}).content.decode()
    api_token = ApiToken.objects.get(user=owner)
    assert "Copy your new token now." in created and f"{api_token.prefix}" in created
    listed = client.get(reverse("api:tokens")).content.decode()
    assert "nightly" in listed and "Copy your new token now." not in listed


def test_revoking_on_the_settings_page_stops_the_token(owner):
    api_token, token = api_token_create(user=owner, name="ci")
    logged_in(owner).post(reverse("api:token_revoke", args=[api_token.id]))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(JOBS).status_code == 401


def test_create_api_token_prints_the_token_as_its_last_line(owner, capsys):
    call_command("create_api_token", "owner", "--name", "deploy")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(JOBS).status_code == 200
