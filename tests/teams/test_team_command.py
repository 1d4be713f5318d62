import pytest
from django.core.management import CommandError, call_command

from teams.models import Membership


def test_team_add_creates_the_team_and_adds_the_person_as_a_member(owner):
    call_command("team", "add", "Band", "owner")
    assert Membership.objects.get(team__name="Band", user=owner).role == "member"


def test_team_add_with_admin_promotes(owner, teammate):
    call_command("team", "add", "owner", "teammate", "--admin")
    assert Membership.objects.get(team__name="owner", user=teammate).role == "admin"


@pytest.mark.django_db
def test_team_add_for_an_unknown_person_says_what_to_do():
    with pytest.raises(CommandError, match="There is no account named 'nobody'"):
        call_command("team", "add", "Band", "nobody")
