from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from teams.models import Invitation, Membership
from teams.services import invitation_create
from tests.factories import JobFactory, UserFactory
from tests.web.conftest import logged_in

NEW_PERSON = {"username": "newcomer", "password1": "a long enough pass 42", "password2": "a long enough pass 42"}


def invite_url(token):
    return reverse("teams:invitation_open", args=[token])


def test_a_team_admin_creates_an_invitation_link_shown_once(owner, team):
    page = logged_in(owner).post(reverse("teams:invitation_create", args=[team.id]), {"days": "7", "max_uses": "2"})
    invitation = Invitation.objects.get(team=team)
    assert invitation.max_uses == 2
    assert "/invite/" in page.content.decode()
    assert invitation.token_hash not in page.content.decode()


def test_a_member_cannot_create_invitations(teammate, team):
    response = logged_in(teammate).post(
        reverse("teams:invitation_create", args=[team.id]), {"days": "7", "max_uses": "1"}
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_a_logged_out_person_signs_up_through_the_link_and_joins(owner, team):
    _, token = invitation_create(team=team, created_by=owner, days=7, max_uses=1)
    client = Client()
    assert "Sign up and join" in client.get(invite_url(token)).content.decode()
    response = client.post(invite_url(token), NEW_PERSON)
    assert response["Location"] == f"{reverse('jobs:history')}?scope={team.id}"
    newcomer = get_user_model().objects.get(username="newcomer")
    assert Membership.objects.get(team=team, user=newcomer).role == "member"
    assert client.get(reverse("jobs:history")).status_code == 200  # logged in


def test_sign_up_applies_djangos_password_validators(owner, team):
    _, token = invitation_create(team=team, created_by=owner, days=7, max_uses=1)
    response = Client().post(invite_url(token), {**NEW_PERSON, "password1": "123", "password2": "123"})
    assert "This password is too short" in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_a_logged_in_person_joins_with_one_click_and_sees_the_teams_songs(owner, team, outsider):
    JobFactory(owner=owner, prompt="The team song")
    _, token = invitation_create(team=team, created_by=owner, days=7, max_uses=1)
    client = logged_in(outsider)
    client.post(invite_url(token))
    assert Membership.objects.filter(team=team, user=outsider).exists()
    assert "The team song" in client.get(reverse("jobs:history")).content.decode()


def test_a_single_use_link_admits_one_person(owner, team):
    _, token = invitation_create(team=team, created_by=owner, days=7, max_uses=1)
    logged_in(UserFactory(username="first")).post(invite_url(token))
    response = logged_in(UserFactory(username="second")).post(invite_url(token))
    assert response.status_code == 404
    assert not Membership.objects.filter(team=team, user__username="second").exists()


def test_someone_already_in_the_team_uses_up_nothing(owner, team):
    invitation, token = invitation_create(team=team, created_by=owner, days=7, max_uses=1)
    logged_in(owner).post(invite_url(token))
    invitation.refresh_from_db()
    assert invitation.uses == 0


@pytest.mark.parametrize("spoil", ["expired", "revoked"])
def test_an_expired_or_revoked_link_says_so_and_admits_nobody(owner, team, outsider, spoil):
    invitation, token = invitation_create(team=team, created_by=owner, days=1, max_uses=5)
    if spoil == "expired":
        Invitation.objects.filter(id=invitation.id).update(expires_at=timezone.now() - timedelta(minutes=1))
    else:
        logged_in(owner).post(reverse("teams:invitation_revoke", args=[team.id, invitation.id]))
    response = logged_in(outsider).post(invite_url(token))
    assert response.status_code == 404
    assert "ask a team admin for a new one" in response.content.decode()
    assert not Membership.objects.filter(team=team, user=outsider).exists()
