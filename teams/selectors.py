"""Reads about teams: which teams a person is in, and where they are an admin.

Who may do what in a team, in one place: its members see it (a team they are not in answers 404,
like an unknown one); its admins also invite, promote and remove (a member asking gets a 403). The
job selectors ask these too (as subqueries, so a page spends no extra query on them).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from plumbing.numbers import whole_number
from plumbing.tokens import row_for_token
from teams.models import Invitation, Membership, Team


def team_ids_of(user) -> QuerySet:
    return Membership.objects.filter(user=user).values("team_id")


def admin_team_ids_of(user) -> QuerySet:
    return Membership.objects.filter(user=user, role=Membership.Role.ADMIN).values("team_id")


def teams_of(user) -> QuerySet:
    return Team.objects.filter(memberships__user=user).order_by("name")


def team_of(user, id_or_name: str) -> Team | None:
    """One of the person's teams, named by its id (ASCII digits only) or by its name; None for any other.

    Scripts name teams either way; "²" and other Unicode digits are names here, never ids.
    """
    id_or_name = str(id_or_name).strip()
    team_id = whole_number(id_or_name)
    return teams_of(user).filter(**({"id": team_id} if team_id is not None else {"name": id_or_name})).first()


def memberships_of(user) -> QuerySet:
    """The person's memberships with their teams, by team name."""
    return Membership.objects.filter(user=user).select_related("team").order_by("team__name")


def membership_of(user, team_id) -> Membership:
    """The person's membership of the team; a 404 for teams they are not in, so other teams reveal nothing."""
    return get_object_or_404(Membership.objects.select_related("team"), user=user, team_id=team_id)


def admin_membership_of(user, team_id) -> Membership:
    """The person's membership of the team if they are its admin; a 403 for a member, a 404 for anyone else."""
    membership = membership_of(user, team_id)
    if not membership.is_admin:
        raise PermissionDenied("Only a team admin can do that.")
    return membership


def members_of(team: Team) -> QuerySet:
    return team.memberships.select_related("user").order_by("role", "user__username")  # admins first


def pending_invitations_of(team: Team) -> QuerySet:
    return team.invitations.usable()


def invitation_for_token(token: str) -> Invitation | None:
    return row_for_token(Invitation.objects.usable().select_related("team"), token)
