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


class ShareLinkGone(ExplainedError):
    """The link was revoked already (or never belonged to this job)."""

    def __init__(self):
        super().__init__("This share link does not exist any more.")


def share_link_create(*, job: Job, created_by, expiry: str = ShareLink.Expiry.THIRTY_DAYS) -> tuple[ShareLink, str]:
    """Make a link to a completed song; return (link, token). The token cannot be recovered later.

    Raises NotShareable for a song that is not completed.
    """
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


def share_link_revoke(*, job: Job, link_id: int) -> None:
    """Delete one of the job's links, so its token stops working at once; ShareLinkGone if it has no such link."""
    deleted, _ = ShareLink.objects.filter(job=job, id=link_id).delete()
    if not deleted:
        raise ShareLinkGone()


def share_link_offer_stems(*, job: Job, link_id: int, offers_stems: bool) -> None:
    """Let whoever has the link download the vocals and instrumental and sing along, or stop them;
    ShareLinkGone if the job has no such link."""
    if not ShareLink.objects.filter(job=job, id=link_id).update(offers_stems=offers_stems):
        raise ShareLinkGone()
