import pytest
from django.test import Client

from api.tokens import api_token_create
from tests.conftest import forget_this_runs_cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    forget_this_runs_cache()


def token_client(user, name="script"):
    """A client that sends a fresh personal API token of `user` with every request, and no session."""
    _, token = api_token_create(user=user, name=name)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def owner_api(owner):
    return token_client(owner)


@pytest.fixture
def teammate_api(teammate):
    return token_client(teammate)


@pytest.fixture
def outsider_api(outsider):
    return token_client(outsider)
