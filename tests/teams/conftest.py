import pytest

from teams.models import Team


@pytest.fixture
def team(owner):
    """The owner's personal team, of which the owner is the only admin."""
    return Team.objects.get(name=owner.username)
