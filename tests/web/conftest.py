"""Fixtures for page tests: logged-in clients per role, and a job that finished with a stored song."""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import JobFactory
from tests.web.job_data import make_completed

OTHER_PEOPLE = ["teammate", "outsider"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Share views count requests per client address in the cache; each test starts at zero."""
    cache.clear()


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return logged_in(owner)


@pytest.fixture(params=OTHER_PEOPLE)
def other_person_client(request):
    """A client logged in as someone who is not the owner: every owner-only view answers 404."""
    return logged_in(request.getfixturevalue(request.param))


@pytest.fixture
def queued_job(owner):
    return JobFactory(owner=owner)


@pytest.fixture
def completed_job(owner):
    return make_completed(JobFactory(owner=owner, prompt="## \nSunlight on the water\n\nWe sing along\n##"))
