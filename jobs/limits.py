"""How much a person and a team may start: new songs per person per hour, and a team's storage quota.

Both are checked by the new-song form (jobs.forms.JobCreateForm), so the page and the API refuse with
the same sentences; the API answers a rate-limited request with 429 and Retry-After.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.db.models import Max, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from jobs.models import Job
from plumbing.errors import ExplainedError

RATE_WINDOW = timedelta(hours=1)


class JobRateLimited(ExplainedError):
    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class TeamQuotaExceeded(ExplainedError):
    pass


def check_job_rate(user, new_jobs: int = 1) -> None:
    """Refuse `new_jobs` new jobs (the versions of one request) once the person would pass
    MUSICGEN_JOBS_PER_HOUR started in the last hour.

    Counted from the jobs table (the owner index), so it holds across web processes; two requests at
    the very same moment can both pass the last free place, which a soft limit can afford.
    """
    limit = settings.MUSICGEN_JOBS_PER_HOUR
    if not limit:
        return
    if new_jobs > limit:
        raise JobRateLimited(
            f"You may start at most {limit} songs an hour, fewer than the {new_jobs} versions asked for; "
            "ask for fewer versions.",
            int(RATE_WINDOW.total_seconds()),
        )
    since = timezone.now() - RATE_WINDOW
    recent = Job.objects.filter(owner=user, created_at__gte=since).order_by("-created_at")
    times = list(recent.values_list("created_at", flat=True)[:limit])
    if len(times) + new_jobs <= limit:
        return
    frees_at = times[limit - new_jobs] + RATE_WINDOW  # the oldest start that must leave the hour for these to fit
    retry_after = max(1, math.ceil((frees_at - timezone.now()).total_seconds()))
    minutes = math.ceil(retry_after / 60)
    when = f"{minutes} minute{'s' if minutes != 1 else ''}"
    if new_jobs == 1:
        message = (
            f"You have started {limit} songs in the last hour, the most allowed; you can start the next one in {when}."
        )
    else:
        message = (
            f"You have started {len(times)} of the {limit} songs allowed in the last hour, so {new_jobs} versions "
            f"do not fit; ask for fewer versions, or start these in {when}."
        )
    raise JobRateLimited(message, retry_after)


def team_storage_used(team) -> int:
    """Bytes the team's references and songs take in storage; a reference its versions share counts once."""
    team_jobs = Job.objects.filter(team=team)
    references = team_jobs.order_by().values("reference_track").annotate(size=Max("reference_size"))
    return (
        references.aggregate(total=Coalesce(Sum("size"), 0))["total"]
        + team_jobs.aggregate(total=Coalesce(Sum("song_size"), 0))["total"]
    )


def check_team_quota(team, upload_size: int) -> None:
    """Refuse an upload that would take the team past MUSICGEN_TEAM_STORAGE_QUOTA_MB (0: no quota)."""
    quota_mb = settings.MUSICGEN_TEAM_STORAGE_QUOTA_MB
    if not quota_mb:
        return
    used = team_storage_used(team)
    if used + upload_size > quota_mb * 1_000_000:
        raise TeamQuotaExceeded(
            f"Team {team.name} has used {used / 1_000_000:.1f} MB of its {quota_mb} MB of storage, so this "
            f"upload does not fit; delete songs the team no longer needs, or ask for a larger quota."
        )
