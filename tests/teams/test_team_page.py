from django.urls import reverse

from teams.models import Membership
from tests.factories import JobFactory
from tests.web.conftest import logged_in


def test_team_page_lists_members_with_their_roles(owner, teammate, team):
    page = logged_in(teammate).get(reverse("teams:detail", args=[team.id])).content.decode()
    assert "owner" in page and "teammate (you)" in page
    assert "Admin" in page and "Member" in page
    assert "Create an invitation link" not in page  # members see no admin tools


def test_people_outside_the_team_get_404(outsider, team):
    assert logged_in(outsider).get(reverse("teams:detail", args=[team.id])).status_code == 404


def test_an_admin_promotes_a_member(owner, teammate, team):
    logged_in(owner).post(reverse("teams:member_promote", args=[team.id, teammate.id]))
    assert Membership.objects.get(team=team, user=teammate).role == "admin"


def test_a_member_cannot_promote_themselves(teammate, team):
    assert logged_in(teammate).post(reverse("teams:member_promote", args=[team.id, teammate.id])).status_code == 403
    assert Membership.objects.get(team=team, user=teammate).role == "member"


def test_an_admin_removes_a_member_whose_songs_stay_in_the_team(owner, teammate, team):
    job = JobFactory(owner=teammate, team=team)
    logged_in(owner).post(reverse("teams:member_remove", args=[team.id, teammate.id]))
    assert not Membership.objects.filter(team=team, user=teammate).exists()
    assert job.first_line in logged_in(owner).get(reverse("jobs:history")).content.decode()


def test_a_member_leaves_the_team(teammate, team):
    response = logged_in(teammate).post(reverse("teams:leave", args=[team.id]))
    assert response["Location"] == reverse("teams:list")
    assert not Membership.objects.filter(team=team, user=teammate).exists()


def test_the_last_admin_cannot_leave(owner, teammate, team):
    client = logged_in(owner)
    client.post(reverse("teams:leave", args=[team.id]))
    assert Membership.objects.filter(team=team, user=owner, role="admin").exists()
    assert (
        "The last admin cannot leave the team" in client.get(reverse("teams:detail", args=[team.id])).content.decode()
    )


def test_a_person_makes_a_new_team_and_is_its_admin(owner):
    response = logged_in(owner).post(reverse("teams:list"), {"name": "Band"})
    membership = Membership.objects.get(team__name="Band")
    assert membership.user == owner and membership.role == "admin"
    assert response["Location"] == reverse("teams:detail", args=[membership.team_id])


def test_every_new_account_gets_a_personal_team(owner):
    assert Membership.objects.get(user=owner).team.name == "owner"
