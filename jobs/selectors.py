"""Reads: what the pages show. Writes live in jobs/flow.py (jobs) and jobs/sharing.py (share links)."""

from datetime import timedelta

from django.shortcuts import get_object_or_404
from django.utils import timezone

from jobs.models import Job, ShareLink, hash_share_token

HISTORY_PERIODS = {
    "today": timedelta(days=1),
    "week": timedelta(days=7),
    "month": timedelta(days=30),
}


def job_for_owner(*, owner, job_id):
    """The job if `owner` owns it; a 404 otherwise, so other people's job ids reveal nothing."""
    return get_object_or_404(Job, id=job_id, owner=owner)


def job_history(*, owner, search="", status="", period=""):
    """The owner's jobs, newest first, narrowed by lyrics text, status and age.

    The waveform peaks are left out: the history never draws them, and they are the largest column.
    """
    jobs = Job.objects.filter(owner=owner).defer("song_peaks")
    if search:
        jobs = jobs.filter(prompt__icontains=search)
    if status:
        jobs = jobs.filter(status=status)
    if period in HISTORY_PERIODS:
        jobs = jobs.filter(created_at__gte=timezone.now() - HISTORY_PERIODS[period])
    return jobs.order_by("-created_at", "-id")


def queue_position(job):
    """How many queued jobs (anyone's) were created before this one; None unless the job is queued."""
    if job.status != Job.Status.QUEUED:
        return None
    return Job.objects.filter(status=Job.Status.QUEUED, created_at__lt=job.created_at).count()


def share_links_of(job):
    """The job's share links that still work, newest first."""
    return job.share_links.active()


def share_link_for_token(token):
    """The unexpired share link a public token opens (looked up by the token's hash), or a 404."""
    return get_object_or_404(
        ShareLink.objects.active().select_related("job"),
        token_hash=hash_share_token(token),
        job__status=Job.Status.COMPLETED,
    )
