"""Writes for teams: personal teams, members and roles, invitations. Reads live in teams/selectors.py."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from plumbing.errors import ExplainedError
from plumbing.tokens import hash_token, new_token, token_hint
from teams.models import Invitation, Membership, Team

Role = Membership.Role


class TeamRefused(ExplainedError):
    pass


def personal_team_create(user) -> Team:
    """A team named after the person, with them as its admin; a number is added if the name is taken."""
    for number in range(1, 1000):
        name = user.username if number == 1 else f"{user.username}-{number}"
        try:
            with transaction.atomic():
                team = Team.objects.create(name=name)
        except IntegrityError:
            continue
        Membership.objects.create(team=team, user=user, role=Role.ADMIN)
        return team
    raise TeamRefused(f"No free team name was found for {user.username}; create a team for them by hand.")


def team_add(*, team_name: str, user, admin: bool = False) -> tuple[Team, Membership]:
    """Put `user` in the team (made if it does not exist); `admin` promotes, it never demotes."""
    team, _ = Team.objects.get_or_create(name=team_name)
    membership, _ = Membership.objects.get_or_create(team=team, user=user, defaults={"role": Role.MEMBER})
    if admin and not membership.is_admin:
        membership.role = Role.ADMIN
        membership.save(update_fields=["role"])
    return team, membership


def invitation_create(*, team: Team, created_by, days: int | None, max_uses: int) -> tuple[Invitation, str]:
    """Make an invite link; return (invitation, token). The token cannot be recovered later."""
    token = new_token()
    invitation = Invitation.objects.create(
        team=team,
        token_hash=hash_token(token),
        token_hint=token_hint(token),
        created_by=created_by,
        expires_at=None if days is None else timezone.now() + timedelta(days=days),
        max_uses=max_uses,
    )
    return invitation, token


def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Join the invitation's team, using up one of its uses; someone already in the team uses none."""
    existing = Membership.objects.filter(team_id=invitation.team_id, user=user).first()
    if existing:
        return existing
    with transaction.atomic():
        # Conditional: two people racing for the last use of a link cannot both get in.
        used = Invitation.objects.usable().filter(id=invitation.id).update(uses=F("uses") + 1)
        if not used:
            raise TeamRefused(
                "This invitation has been used up, has expired or was revoked; ask a team admin for a new one."
            )
        return Membership.objects.create(team_id=invitation.team_id, user=user, role=Role.MEMBER)


def invitation_revoke(*, team: Team, invitation_id: int) -> bool:
    revoked = Invitation.objects.filter(team=team, id=invitation_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return bool(revoked)


def member_promote(*, team: Team, user_id: int) -> bool:
    return bool(Membership.objects.filter(team=team, user_id=user_id).update(role=Role.ADMIN))


def member_remove(*, team: Team, user_id: int) -> None:
    """Take someone out of the team (an admin removing them, or them leaving). The last admin stays.

    Their songs stay in the team's library: the jobs belong to the team as well as to them.
    """
    with transaction.atomic():
        # Lock the team's admins so two admins leaving at once cannot leave the team with none.
        admins = Membership.objects.select_for_update().filter(team=team, role=Role.ADMIN)
        if list(admins.values_list("user_id", flat=True)) == [user_id]:
            raise TeamRefused("The last admin cannot leave the team; make someone else an admin first.")
        Membership.objects.filter(team=team, user_id=user_id).delete()
