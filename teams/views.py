"""Team pages: the teams list, one team's members and invitations, and the invitation link itself.

Every team view looks the person's membership up first: a team they are not in answers 404, and the
admin-only actions answer 403 to a member.
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from teams import selectors, services
from teams.forms import InvitationCreateForm, TeamCreateForm


def _team_page(request, membership, **extra):
    team = membership.team
    context = {
        "team": team,
        "membership": membership,
        "members": selectors.members_of(team),
        "invitations": selectors.pending_invitations_of(team) if membership.is_admin else [],
        "invitation_form": InvitationCreateForm(),
        **extra,
    }
    return render(request, "teams/detail.html", context)


@login_required
def team_list(request):
    form = TeamCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team, _ = services.team_add(team_name=form.cleaned_data["name"], user=request.user, admin=True)
        messages.success(request, f"Team {team.name} was made; invite people from its page.")
        return redirect("teams:detail", team.id)
    return render(request, "teams/list.html", {"memberships": selectors.memberships_of(request.user), "form": form})


@login_required
def team_detail(request, team_id):
    return _team_page(request, selectors.membership_of(request.user, team_id))


@login_required
@require_POST
def invitation_create(request, team_id):
    """Make an invite link and show it once; the database keeps only the token's hash."""
    membership = selectors.admin_membership_of(request.user, team_id)
    form = InvitationCreateForm(request.POST)
    if not form.is_valid():
        return _team_page(request, membership, invitation_form=form)
    _, token = services.invitation_create(
        team=membership.team,
        created_by=request.user,
        days=form.cleaned_data["days"],
        max_uses=form.cleaned_data["max_uses"],
    )
    new_invitation_url = request.build_absolute_uri(reverse("teams:invitation_open", args=[token]))
    return _team_page(request, membership, new_invitation_url=new_invitation_url)


@login_required
@require_POST
def invitation_revoke(request, team_id, invitation_id):
    membership = selectors.admin_membership_of(request.user, team_id)
    if services.invitation_revoke(team=membership.team, invitation_id=invitation_id):
        messages.success(request, "The invitation was revoked: its link no longer lets anyone in.")
    return redirect("teams:detail", team_id)


@login_required
@require_POST
def member_promote(request, team_id, user_id):
    membership = selectors.admin_membership_of(request.user, team_id)
    services.member_promote(team=membership.team, user_id=user_id)
    return redirect("teams:detail", team_id)


@login_required
@require_POST
def member_remove(request, team_id, user_id):
    membership = selectors.admin_membership_of(request.user, team_id)
    return _leave_or_remove(request, membership, user_id)


@login_required
@require_POST
def leave(request, team_id):
    return _leave_or_remove(request, selectors.membership_of(request.user, team_id), request.user.id)


def _leave_or_remove(request, membership, user_id):
    try:
        services.member_remove(team=membership.team, user_id=user_id)
    except services.TeamRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("teams:detail", membership.team_id)
    if user_id == request.user.id:
        messages.success(request, f"You left team {membership.team.name}; the songs you made there stay in it.")
        return redirect("teams:list")
    messages.success(request, "They were removed from the team; the songs they made stay in it.")
    return redirect("teams:detail", membership.team_id)


def invitation_open(request, token):
    """Someone logged in joins with one click; someone logged out signs up and joins in one step."""
    invitation = selectors.invitation_for_token(token)
    if invitation is None:
        return _unusable(request)
    signup_form = None if request.user.is_authenticated else UserCreationForm(request.POST or None)
    if request.method == "POST" and (signup_form is None or signup_form.is_valid()):
        try:
            with transaction.atomic():  # a refused join leaves no account behind
                user = request.user if signup_form is None else signup_form.save()
                services.invitation_accept(invitation=invitation, user=user)
        except services.TeamRefused as refusal:
            return _unusable(request, refusal.message)
        if signup_form is not None:
            # Named, because with more than one backend (django-axes adds one) Django cannot tell which.
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, f"You are in team {invitation.team.name}: its songs are in your history.")
        return redirect(f"{reverse('jobs:history')}?scope={invitation.team_id}")
    return render(request, "teams/invitation.html", {"invitation": invitation, "signup_form": signup_form})


def _unusable(
    request, reason="This invitation link is unknown, used up, expired or revoked; ask a team admin for a new one."
):
    return render(request, "teams/invitation_unusable.html", {"reason": reason}, status=404)
