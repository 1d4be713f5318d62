"""Reads about teams: which teams a person is in, and where they are an admin.

The job selectors ask these (as subqueries, so a page spends no extra query on them).
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from plumbing.tokens import row_for_token
from teams.models import Invitation, Membership, Team


def team_ids_of(user) -> QuerySet:
    return Membership.objects.filter(user=user).values("team_id")


def admin_team_ids_of(user) -> QuerySet:
    return Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values("team_id")


def teams_of(user) -> QuerySet:
    return Team.objects.filter(memberships__user=user).order_by("name")


def membership_of(user, team_id) -> Membership:
    """The person's membership of the team; a 404 for teams they are not in, so other teams reveal nothing."""
    return get_object_or_404(Membership.objects.select_related("team"), user=user, team_id=team_id)


def members_of(team: Team) -> QuerySet:
    return team.memberships.select_related("user").order_by("role", "user__username")  # admins first


def pending_invitations_of(team: Team) -> QuerySet:
    return team.invitations.usable()


def invitation_for_token(token: str) -> Invitation | None:
    return row_for_token(Invitation.objects.usable().select_related("team"), token)
