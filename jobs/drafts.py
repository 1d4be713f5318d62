"""Draft references: a file uploaded on the new-song page once, before its lyrics are written.

    upload ──> draft (file stored, analysis pending) ──> job (takes over the stored file; draft row deleted)
                 │
                 └── expired (MUSICGEN_DRAFT_REFERENCE_HOURS) ──> swept by beat: row and file deleted

While the person writes, the generator is asked what it hears in the file. That runs on the app
worker (`analysis_step`, re-scheduled with countdowns, never waiting) and never in a web request:

    pending ──> done          the generator answered with tempo, key, ...
       │──────> unavailable   it has no analysis endpoint (the hosted API), or the step could not be sent
       └──────> failed        it could not analyse the file, or took past the deadline

A job made from a draft and the sweeper both delete the draft row conditionally, in their own
transactions: whichever deletes it owns the file, so a file a job uses is never swept.
"""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from jobs import flow, upstream
from jobs.audio import AudioInfo
from jobs.files import stored_reference_url_for_generator
from jobs.models import DraftReference, Job
from plumbing import enqueue
from plumbing.errors import ExplainedError
from plumbing.uploads import upload_display_name

logger = logging.getLogger(__name__)
A = DraftReference.AnalysisStatus

# Local analyses wait behind renders on the engine queue; past this the page stops asking.
ANALYSIS_DEADLINE = timedelta(minutes=10)
ANALYSIS_POLL_FIRST_DELAY = 1  # seconds
ANALYSIS_POLL_MAX_DELAY = 5


class DraftUnavailable(ExplainedError):
    """A draft id the form was sent with cannot make a song; the message says what to do."""

    @classmethod
    def gone(cls):
        return cls(
            "The file you chose earlier is no longer on the server (it was already used for a song, or it "
            "expired). Choose the reference song again."
        )

    @classmethod
    def expired(cls):
        hours = settings.MUSICGEN_DRAFT_REFERENCE_HOURS
        return cls(
            f"The file you chose was uploaded more than {hours} hours ago and has been removed. Choose it again."
        )


# --- what people do -----------------------------------------------------------------------------


def draft_reference_create(*, owner, reference_track, reference_info: AudioInfo) -> DraftReference:
    """Store an uploaded reference once, record it as the person's draft, and ask for its analysis on commit."""
    now = timezone.now()
    draft = DraftReference(
        owner=owner,
        reference_name=upload_display_name(reference_track.name),
        reference_format=reference_info.format,
        reference_duration=reference_info.duration,
        reference_size=reference_info.size,
        reference_samplerate=reference_info.samplerate,
        reference_channels=reference_info.channels,
        created_at=now,
        expires_at=now + timedelta(hours=settings.MUSICGEN_DRAFT_REFERENCE_HOURS),
        analysis_deadline_at=now + ANALYSIS_DEADLINE,
    )
    draft.reference_track.save(f"reference.{reference_info.format}", reference_track, save=False)
    try:
        with transaction.atomic():
            draft.save(force_insert=True)
            enqueue.send_on_commit(
                enqueue.ANALYZE_DRAFT, draft.id, 0, if_refused=functools.partial(_analysis_unqueued, draft.id)
            )
    except Exception:
        default_storage.delete(draft.reference_track.name)
        raise
    return draft


def draft_reference_for_owner(*, owner, draft_id) -> DraftReference:
    """The person's own unexpired draft, or DraftUnavailable saying why it cannot be used."""
    draft = DraftReference.objects.filter(id=draft_id, owner=owner).first()
    if draft is None:
        raise DraftUnavailable.gone()
    if draft.is_expired:
        raise DraftUnavailable.expired()
    return draft


def job_create_from_draft(*, draft: DraftReference, team, prompt: str, versions: int = 1, **inputs) -> Job:
    """Make the queued job (and its other `versions`) with the draft's stored file as its reference (no
    copy), and delete the draft. Returns the first version. `inputs`: the job's other fields (model,
    style, is_instrumental, ...).

    Both in one transaction, and the draft is deleted only if it is still there and unexpired: a
    second submit of the same draft, or the sweeper having taken it, leaves no job (DraftUnavailable).
    """
    job = Job(
        owner=draft.owner,
        team=team,
        prompt=prompt,
        reference_track=draft.reference_track.name,
        reference_name=draft.reference_name,
        reference_format=draft.reference_format,
        reference_duration=draft.reference_duration,
        reference_size=draft.reference_size,
        **inputs,
    )
    with transaction.atomic():
        taken, _ = DraftReference.objects.filter(id=draft.id, expires_at__gt=timezone.now()).delete()
        if not taken:
            raise DraftUnavailable.gone()
        flow.job_record(job, versions=versions)
    return job


# --- what workers do ----------------------------------------------------------------------------


def analysis_step(draft_id, poll_number: int) -> None:
    """One step of the draft's analysis: ask the generator to start it, or ask once how it is going.

    `poll_number` is the draft's step count when this step was scheduled; claiming it with a
    conditional update makes a duplicate message find it taken and stop.
    """
    claimed = DraftReference.objects.filter(id=draft_id, analysis_status=A.PENDING, analysis_polls=poll_number).update(
        analysis_polls=poll_number + 1
    )
    draft = DraftReference.objects.filter(id=draft_id).first() if claimed else None
    if draft is None:  # taken by another run, finished, or deleted (made into a job, or swept)
        return
    if draft.analysis_deadline_at <= timezone.now():
        _analysis_over(draft_id, A.FAILED)
        return
    client = upstream.MusicApiClient.from_settings()
    try:
        if not draft.analysis_id:
            _start_analysis(client, draft, poll_number)
            return
        answer = client.analysis_status(draft.analysis_id)
    except upstream.UpstreamError as exc:
        if exc.transient:
            _schedule_analysis_step(draft_id, poll_number + 1, countdown=_analysis_delay(poll_number))
        else:
            logger.info("analysis of draft %s: %s", draft_id, exc.message)
            _analysis_over(draft_id, A.FAILED)
        return
    if answer.is_working:
        _schedule_analysis_step(draft_id, poll_number + 1, countdown=_analysis_delay(poll_number))
    elif answer.status == "completed":
        _analysis_over(draft_id, A.DONE, analysis=answer.analysis)
    else:
        logger.info("analysis of draft %s ended %s: %s", draft_id, answer.status, answer.error)
        _analysis_over(draft_id, A.FAILED)


def _start_analysis(client, draft, poll_number):
    reference_url = stored_reference_url_for_generator(draft.reference_track.name, valid_for=ANALYSIS_DEADLINE)
    analysis_id = client.analysis_start(reference_audio_url=reference_url)
    if analysis_id is None:
        _analysis_over(draft.id, A.UNAVAILABLE)
        return
    DraftReference.objects.filter(id=draft.id, analysis_status=A.PENDING).update(analysis_id=analysis_id)
    _schedule_analysis_step(draft.id, poll_number + 1, countdown=ANALYSIS_POLL_FIRST_DELAY)


def _analysis_over(draft_id, status, **fields):
    DraftReference.objects.filter(id=draft_id, analysis_status=A.PENDING).update(analysis_status=status, **fields)


def _analysis_delay(poll_number):
    return min(ANALYSIS_POLL_FIRST_DELAY * 2**poll_number, ANALYSIS_POLL_MAX_DELAY)


def _schedule_analysis_step(draft_id, poll_number, *, countdown=None):
    """Send the next step to the app worker."""
    if not enqueue.send(enqueue.ANALYZE_DRAFT, draft_id, poll_number, countdown=countdown):
        _analysis_unqueued(draft_id)


def _analysis_unqueued(draft_id):
    """The analysis is a nicety: when the broker cannot take its message (say Redis is down as the draft
    is made), the draft still stands and its analysis is marked unavailable, so the page shows the
    measurement alone."""
    _analysis_over(draft_id, A.UNAVAILABLE)


# --- beat ---------------------------------------------------------------------------------------


def drafts_sweep() -> int:
    """Delete expired drafts and their files; return how many. Run by beat.

    Each row is deleted conditionally before its file, so a draft a job took over at the same
    moment is left alone (its delete found nothing), and its file with it.
    """
    now = timezone.now()
    swept = 0
    for draft_id, name in DraftReference.objects.filter(expires_at__lte=now).values_list("id", "reference_track"):
        deleted, _ = DraftReference.objects.filter(id=draft_id, expires_at__lte=now).delete()
        if deleted:
            default_storage.delete(name)
            swept += 1
    return swept
