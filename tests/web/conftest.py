"""Fixtures for page tests: logged-in clients per role, and a job that finished with a stored song."""

import pytest
from django.test import Client

from tests.conftest import forget_this_runs_cache
from tests.factories import JobFactory
from tests.web.job_data import make_completed


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    forget_this_runs_cache()


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return logged_in(owner)


@pytest.fixture
def outsider_client(outsider):
    """Someone in none of the job's teams: every view of the job answers 404."""
    return logged_in(outsider)


@pytest.fixture
def teammate_client(teammate):
    """A member of the owner's team: sees, plays and shares the team's jobs; manages none."""
    return logged_in(teammate)


@pytest.fixture
def team_admin_client(team_admin):
    return logged_in(team_admin)


@pytest.fixture
def queued_job(owner):
    return JobFactory(owner=owner)


@pytest.fixture
def completed_job(owner):
    return make_completed(JobFactory(owner=owner, prompt="## \nSunlight on the water\n\nWe sing along\n##"))
