"""The life of a job, in one place.

    (new) ──> queued ──> submitting ──> generating ──> downloading ──> completed
                 ▲  ▲          │   │          │    │          │
                 │  └──────────┘   └─> failed <────┘──────────┘
                 │  transient error,       │
                 │  sent again later       │   queued, generating ──> cancelled (its maker or a team admin)
                 └──────── retry ──────────┘ (failed or cancelled, by its maker or a team admin)

Every transition is a conditional UPDATE (`WHERE status = <expected>`), so when two workers race
only one of them moves the job; the loser sees "not moved" and stops. Each transition leaves a
JobEvent, so errors of earlier attempts survive a retry. HTTP calls happen outside transactions.

Tasks (jobs/tasks.py) only call the `*_step` functions below with a job id; a step that finds the
job in another state than it expects does nothing, so every task is safe to run twice.
"""

import logging
import os
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jobs import audio, upstream
from jobs.errors import ExplainedError
from jobs.files import reference_url_for_generator
from jobs.models import Job, JobEvent, song_key
from musicgen.celery import app as celery_app

logger = logging.getLogger(__name__)
S = Job.Status


# --- transitions ---------------------------------------------------------------------------------


def move(job_id, *, from_statuses, to, note="", **fields):
    """Move the job to `to` if it is in one of `from_statuses`; return whether it moved."""
    now = timezone.now()
    with transaction.atomic():
        current = Job.objects.filter(id=job_id).values("status", "attempt").first()
        if current is None or current["status"] not in from_statuses:
            return False
        moved = Job.objects.filter(id=job_id, status=current["status"]).update(
            status=to, status_changed_at=now, last_activity_at=now, **fields
        )
        if moved:
            JobEvent.objects.create(
                job_id=job_id, at=now, attempt=current["attempt"], from_status=current["status"], to_status=to, note=note
            )
    return bool(moved)


def fail(job_id, reason, *, from_statuses):
    moved = move(job_id, from_statuses=from_statuses, to=S.FAILED, note=reason, error=reason)
    if moved:
        logger.info("job %s failed: %s", job_id, reason)
    return moved


def step_overran(job_id):
    """A worker step ran past its time limit and was stopped."""
    fail(
        job_id,
        "A worker took too long on this job and stopped it; retry the job.",
        from_statuses=(S.SUBMITTING, S.GENERATING, S.DOWNLOADING),
    )


# --- what people do -----------------------------------------------------------------------------


def job_create(*, owner, team, prompt, reference_track, reference_info):
    """Store the reference, create the queued job, and send it to a worker once the row is committed."""
    job = Job(
        owner=owner,
        team=team,
        prompt=prompt,
        reference_name=os.path.basename(reference_track.name)[:255],
        reference_format=reference_info.format,
        reference_duration=reference_info.duration,
        reference_size=reference_info.size,
    )
    job.reference_track.save(f"reference.{reference_info.format}", reference_track, save=False)
    try:
        with transaction.atomic():
            job.save(force_insert=True)
            JobEvent.objects.create(job=job, attempt=job.attempt, to_status=S.QUEUED, note="Uploaded.")
            transaction.on_commit(lambda: schedule("submit", job.id))
    except Exception:
        default_storage.delete(job.reference_track.name)
        raise
    return job


def job_cancel(job, *, by):
    """Stop a job nobody wants any more. The hosted API cannot stop a generation; we stop polling it."""
    return move(job.id, from_statuses=Job.CANCELLABLE_STATUSES, to=S.CANCELLED, note=f"Cancelled by {by.username}.")


def job_retry(job, *, by):
    """Start a new attempt of a failed or cancelled job; the old error stays in the job's events."""
    with transaction.atomic():
        moved = move(
            job.id,
            from_statuses=Job.RETRYABLE_STATUSES,
            to=S.QUEUED,
            note=f"Retried by {by.username}.",
            attempt=F("attempt") + 1,
            submit_tries=0,
            polls=0,
            error="",
            generation_id="",
            upstream_status="",
            deadline_at=None,
        )
        if moved:
            transaction.on_commit(lambda: schedule("submit", job.id))
    return moved


class JobNotDeletable(ExplainedError):
    pass


def job_delete(job: Job) -> None:
    """Remove a finished job: its row, events and share links, then its reference and song from storage.

    Only a finished job (completed, failed, cancelled): a moving one may be mid-step in a worker, which
    would store a song for a job that no longer exists. The row goes first, so a file is never missing
    for a job that is still listed.
    """
    deleted, _ = Job.objects.filter(id=job.id, status__in=Job.FINAL_STATUSES).delete()
    if not deleted:
        raise JobNotDeletable(
            "This job is still being made, so it cannot be deleted yet; cancel it or wait until it finishes."
        )
    for stored in (job.reference_track, job.song):
        if stored.name:
            stored.storage.delete(stored.name)


# --- what workers do ----------------------------------------------------------------------------


def submit_step(job_id):
    """Claim a queued job and send it to the generator. The paid POST is sent at most once per id."""
    if not move(job_id, from_statuses=(S.QUEUED,), to=S.SUBMITTING, submit_tries=F("submit_tries") + 1):
        return
    job = Job.objects.get(id=job_id)
    deadline = timedelta(seconds=settings.MUSICGEN_JOB_DEADLINE_SECONDS)
    try:
        generation_id = upstream.MusicApiClient.from_settings().submit(
            prompt=job.prompt, reference_audio_url=reference_url_for_generator(job, valid_for=deadline * 2)
        )
    except upstream.UpstreamError as exc:
        _submit_failed(job, exc)
        return
    if move(
        job_id,
        from_statuses=(S.SUBMITTING,),
        to=S.GENERATING,
        note=f"Accepted by the generator as {generation_id}.",
        generation_id=generation_id,
        upstream_status="queued",
        deadline_at=timezone.now() + deadline,
        polls=0,
    ):
        schedule("poll", job_id, 0, countdown=settings.MUSICGEN_POLL_FIRST_DELAY)


def _submit_failed(job, exc):
    if exc.transient and job.submit_tries < settings.MUSICGEN_SUBMIT_MAX_ATTEMPTS:
        countdown = getattr(exc, "retry_after", None) or _backoff(job.submit_tries)
        if move(job.id, from_statuses=(S.SUBMITTING,), to=S.QUEUED, note=f"{exc.message} Trying again in {countdown} s."):
            schedule("submit", job.id, countdown=countdown)
        return
    reason = exc.message
    if exc.transient:
        reason = f"{exc.message} Gave up after {job.submit_tries} tries; retry the job later."
    fail(job.id, reason, from_statuses=(S.SUBMITTING,))


def poll_step(job_id, poll_number):
    """Ask the generator once how the job is going; schedule the next ask or the download.

    `poll_number` is the job's poll count when this poll was scheduled: claiming it with a conditional
    update means a duplicate poll (say, one re-sent by the reconciler) finds it taken and stops.
    """
    now = timezone.now()
    claimed = Job.objects.filter(id=job_id, status=S.GENERATING, polls=poll_number).update(
        polls=poll_number + 1, last_activity_at=now
    )
    if not claimed:
        return
    job = Job.objects.get(id=job_id)
    if job.deadline_at and now > job.deadline_at:
        minutes = settings.MUSICGEN_JOB_DEADLINE_SECONDS // 60
        fail(job_id, f"The generator did not finish within {minutes} minutes.", from_statuses=(S.GENERATING,))
        return
    try:
        generation = upstream.MusicApiClient.from_settings().status(job.generation_id)
    except upstream.UpstreamError as exc:
        if not exc.transient:
            fail(job_id, exc.message, from_statuses=(S.GENERATING,))
            return
        logger.warning("poll of job %s: %s", job_id, exc.message)
        schedule("poll", job_id, poll_number + 1, countdown=getattr(exc, "retry_after", None) or _poll_delay(poll_number))
        return
    if generation.is_working:
        Job.objects.filter(id=job_id, status=S.GENERATING).update(upstream_status=generation.status)
        schedule("poll", job_id, poll_number + 1, countdown=_poll_delay(poll_number))
    elif generation.status == "completed":
        if move(job_id, from_statuses=(S.GENERATING,), to=S.DOWNLOADING, upstream_status="completed"):
            download_step(job_id, audio_url=generation.audio_url)
    elif generation.status == "error":
        reason = generation.error or "no reason given"
        fail(job_id, f"The generator could not make this song: {reason}", from_statuses=(S.GENERATING,))
    else:
        fail(job_id, f"The generator answered with an unknown status {generation.status!r}.", from_statuses=(S.GENERATING,))


def download_step(job_id, audio_url=None):
    """Copy the finished song into our storage (upstream URLs expire), then mark the job completed."""
    job = Job.objects.filter(id=job_id, status=S.DOWNLOADING).first()
    if job is None:
        return
    client = upstream.MusicApiClient.from_settings()
    try:
        if audio_url is None:  # re-driven by the reconciler: ask again, the old URL may have expired
            audio_url = client.status(job.generation_id).audio_url
        stored = _store_song(client, audio_url)
    except (upstream.UpstreamError, audio.ReferenceRejected) as exc:
        if getattr(exc, "transient", False) and timezone.now() < job.deadline_at:
            logger.warning("download of job %s: %s", job_id, exc.message)
            Job.objects.filter(id=job_id, status=S.DOWNLOADING).update(last_activity_at=timezone.now())
            schedule("download", job_id, countdown=_backoff(2))
            return
        fail(job_id, f"The finished song could not be saved: {exc.message}", from_statuses=(S.DOWNLOADING,))
        return
    name, song_info, peaks = stored
    if not move(
        job_id,
        from_statuses=(S.DOWNLOADING,),
        to=S.COMPLETED,
        song=name,
        song_duration=song_info.duration,
        song_size=song_info.size,
        song_peaks=peaks,
        completed_at=timezone.now(),
    ):
        default_storage.delete(name)  # another worker finished first, or the job was cancelled


def _store_song(client, audio_url):
    """Download to a local temporary file, check it decodes, then save it whole into storage."""
    with tempfile.NamedTemporaryFile(suffix=".audio") as local:
        client.download(audio_url, local, max_bytes=settings.MUSICGEN_SONG_MAX_MB * 1_000_000)
        local.flush()
        song_file = File(open(local.name, "rb"), name=local.name)
        with song_file:
            song_info = audio.measure_song(song_file)
            peaks = audio.waveform_peaks(local.name)
            name = default_storage.save(song_key(None, f"song.{song_info.format}"), song_file)
    return name, song_info, peaks


def reconcile():
    """Re-drive jobs that stopped moving (a worker died, a message was lost). Run by beat every minute."""
    stale_before = timezone.now() - timedelta(seconds=settings.MUSICGEN_STALE_AFTER_SECONDS)
    stale = Job.objects.filter(last_activity_at__lt=stale_before)
    for job_id in stale.filter(status=S.QUEUED).values_list("id", flat=True):
        schedule("submit", job_id)
    for job_id in stale.filter(status=S.SUBMITTING).values_list("id", flat=True):
        fail(
            job_id,
            "The worker stopped while sending this job to the generator, so it may or may not have been "
            "received. It was not sent again to avoid paying twice; retry the job to send it again.",
            from_statuses=(S.SUBMITTING,),
        )
    for job_id, polls in stale.filter(status=S.GENERATING).values_list("id", "polls"):
        schedule("poll", job_id, polls)
    for job_id in stale.filter(status=S.DOWNLOADING).values_list("id", flat=True):
        schedule("download", job_id)


# --- scheduling ---------------------------------------------------------------------------------


def schedule(step, job_id, *args, countdown=None):
    celery_app.send_task(
        f"jobs.tasks.{step}", args=[str(job_id), *args], countdown=countdown, queue=settings.MUSICGEN_APP_QUEUE
    )


def _poll_delay(poll_number):
    return min(settings.MUSICGEN_POLL_FIRST_DELAY * 2**poll_number, settings.MUSICGEN_POLL_MAX_DELAY)


def _backoff(tries):
    return min(2**tries, 60)
