"""How much a person and a team may start: new songs per person per hour, and a team's storage quota.

Both are checked by the new-song form (jobs.forms.JobCreateForm), so the page and the API refuse with
the same sentences; the API answers a rate-limited request with 429 and Retry-After.
"""

import math
from datetime import timedelta

from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from jobs.errors import ExplainedError
from jobs.models import Job

RATE_WINDOW = timedelta(hours=1)


class JobRateLimited(ExplainedError):
    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class TeamQuotaExceeded(ExplainedError):
    pass


def check_job_rate(user) -> None:
    """Refuse a new job once the person started MUSICGEN_JOBS_PER_HOUR in the last hour.

    Counted from the jobs table (the owner index), so it holds across web processes; two requests at
    the very same moment can both pass the last free place, which a soft limit can afford.
    """
    limit = settings.MUSICGEN_JOBS_PER_HOUR
    if not limit:
        return
    since = timezone.now() - RATE_WINDOW
    recent = Job.objects.filter(owner=user, created_at__gte=since).order_by("-created_at")
    times = list(recent.values_list("created_at", flat=True)[:limit])
    if len(times) < limit:
        return
    frees_at = times[-1] + RATE_WINDOW
    retry_after = max(1, math.ceil((frees_at - timezone.now()).total_seconds()))
    minutes = math.ceil(retry_after / 60)
    raise JobRateLimited(
        f"You have started {limit} songs in the last hour, the most allowed; "
        f"you can start the next one in {minutes} minute{'s' if minutes != 1 else ''}.",
        retry_after,
    )


def team_storage_used(team) -> int:
    """Bytes the team's references and songs take in storage."""
    totals = Job.objects.filter(team=team).aggregate(
        references=Coalesce(Sum("reference_size"), 0), songs=Coalesce(Sum("song_size"), 0)
    )
    return totals["references"] + totals["songs"]


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
