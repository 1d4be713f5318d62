"""Share links: a random token shown once to the owner; the database keeps only its hash and a hint."""

from datetime import timedelta

from django.utils import timezone

from jobs.models import Job, ShareLink
from plumbing.errors import ExplainedError
from plumbing.tokens import hash_token, new_token, token_hint

EXPIRY_DAYS = {
    ShareLink.Expiry.ONE_DAY: 1,
    ShareLink.Expiry.SEVEN_DAYS: 7,
    ShareLink.Expiry.THIRTY_DAYS: 30,
    ShareLink.Expiry.NEVER: None,
}


class NotShareable(ExplainedError):
    pass


def share_link_create(*, job, created_by, expiry=ShareLink.Expiry.THIRTY_DAYS):
    """Make a link to a completed song; return (link, token). The token cannot be recovered later."""
    if job.status != Job.Status.COMPLETED:
        raise NotShareable("Only a finished song can be shared; wait until this job is completed.")
    days = EXPIRY_DAYS[ShareLink.Expiry(expiry)]
    token = new_token()
    link = ShareLink.objects.create(
        job=job,
        token_hash=hash_token(token),
        token_hint=token_hint(token),
        created_by=created_by,
        expires_at=None if days is None else timezone.now() + timedelta(days=days),
    )
    return link, token


def share_link_revoke(*, job, link_id):
    """Delete one of the job's links, so its token stops working at once. Returns whether one was deleted."""
    deleted, _ = ShareLink.objects.filter(job=job, id=link_id).delete()
    return bool(deleted)


def share_link_offer_stems(*, job, link_id, offers_stems):
    """Let whoever has the link download the vocals and instrumental and sing along, or stop them.
    Returns whether the job has such a link."""
    return bool(ShareLink.objects.filter(job=job, id=link_id).update(offers_stems=offers_stems))
