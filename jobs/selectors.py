"""Reads: what the pages and the API show. Writes live in jobs/services.py (what people do with jobs)
and jobs/sharing.py (share links).

Who may do what with a job, in one place:
- its owner and everyone in its team **see** it (page, status, audio, download, share links);
- its owner and its team's admins **manage** it (cancel, retry, delete, pick, revoke share links);
- everyone else gets a 404, exactly as for an unknown id, so job ids reveal nothing.
"""

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jobs.models import Job, ShareLink
from plumbing.tokens import row_for_token
from teams.selectors import admin_team_ids_of, team_ids_of

HISTORY_PAGE_SIZE = 25
HISTORY_PERIODS = {
    "today": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=30),
}


SCOPE_MINE = "mine"
SCOPE_EVERYTHING = "all"


def jobs_visible_to(user) -> QuerySet[Job]:
    """Jobs the person made, and every job of the teams they are in."""
    return Job.objects.filter(Q(owner=user) | Q(team_id__in=team_ids_of(user)))


def can_manage(user, job: Job) -> bool:
    """Whether the person may cancel, retry, delete the job or revoke its links: its owner or a team admin."""
    return job.owner_id == user.id or admin_team_ids_of(user).filter(team_id=job.team_id).exists()


def job_for_viewer(user, job_id: uuid.UUID | str) -> Job:
    """The job if the person may see it; a 404 otherwise."""
    return get_object_or_404(jobs_visible_to(user).select_related("owner", "team"), id=job_id)


def job_for_manager(user, job_id: uuid.UUID | str) -> Job:
    """The job if the person may manage it; a 403 for a teammate who may only see it, a 404 for anyone else."""
    job = job_for_viewer(user, job_id)
    if not can_manage(user, job):
        raise PermissionDenied("Only the person who made this song or a team admin can do that.")
    return job


def last_used_team_id(user) -> int | None:
    """The team of the person's latest song, if they are still in it; else their first team."""
    mine_in_my_teams = Job.objects.filter(owner=user, team_id__in=team_ids_of(user)).order_by("-created_at")
    return mine_in_my_teams.values_list("team_id", flat=True).first() or (
        team_ids_of(user).order_by("team__name").values_list("team_id", flat=True).first()
    )


def jobs_in_scope(user, scope: str) -> QuerySet[Job]:
    """The jobs of a history scope: SCOPE_MINE, a team id (of the person's teams), or everything they can see."""
    if scope == SCOPE_MINE:
        return Job.objects.filter(owner=user)
    if scope.isascii() and scope.isdigit():  # "²" is a digit to Python, but no id
        return Job.objects.filter(team_id__in=team_ids_of(user).filter(team_id=int(scope)))
    return jobs_visible_to(user)


def job_history(
    *, user, scope: str = SCOPE_EVERYTHING, search: str = "", status: str = "", period: str = ""
) -> QuerySet[Job]:
    """The jobs in the scope, newest first, narrowed by lyrics text, status and age, with who made each.

    The waveform peaks and the lyrics' timing are left out: the history shows neither, and they are the
    largest columns.
    """
    jobs = (
        jobs_in_scope(user, scope)
        .select_related("owner")
        .defer("song_peaks", "lyrics_timing", *_owner_columns_not_shown())
    )
    if search:
        jobs = jobs.filter(prompt__icontains=search)
    if status:
        jobs = jobs.filter(status=status)
    if period in HISTORY_PERIODS:
        jobs = jobs.filter(created_at__gte=timezone.now() - HISTORY_PERIODS[period])
    # Versions share their creation time, so a group stays together, its pick first.
    return jobs.order_by("-created_at", "-is_pick", "version_number", "-id")


def _owner_columns_not_shown() -> list[str]:
    """Every column of the maker's account but the username: a page of jobs is read (and counted) in one
    query over every row in view, so each column left out makes it faster."""
    return [
        f"owner__{field.name}"
        for field in get_user_model()._meta.concrete_fields
        if field.name not in ("id", "username")
    ]


def versions_of(job: Job) -> list[Job]:
    """The versions made with the job from one upload, itself included, in order; [] for a single song.

    Their teams and owners are the job's, so whoever sees the job sees them all.
    """
    if not job.has_versions:
        return []
    return list(Job.objects.filter(version_group=job.version_group).defer("prompt").order_by("version_number"))


def queue_position(job: Job) -> int | None:
    """How many queued jobs (anyone's) were created before this one; None unless the job is queued."""
    if job.status != Job.Status.QUEUED:
        return None
    return Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=job.created_at).count()


def share_links_of(job: Job) -> QuerySet[ShareLink]:
    """The job's share links that still work, newest first."""
    return job.share_links.active()


def share_link_for_manager(user, link_id: int) -> ShareLink:
    """A share link of a job the person may manage; a 403 for a teammate who may only see the job, a 404
    for anyone else and for a link that does not exist."""
    link = get_object_or_404(ShareLink.objects.filter(job__in=jobs_visible_to(user)).select_related("job"), id=link_id)
    job_for_manager(user, link.job_id)
    return link


def share_link_for_token(token: str) -> ShareLink:
    """The unexpired share link a public token opens (looked up by the token's hash), or a 404."""
    links = ShareLink.objects.active().select_related("job").filter(job__status=Job.Status.COMPLETED)
    link = row_for_token(links, token)
    if link is None:
        raise Http404("No song is shared with this link.")
    return link
