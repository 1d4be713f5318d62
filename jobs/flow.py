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

Versions ("Make 2 versions": one upload, several jobs using its one stored reference) each go
through this flow on their own; the pick among them (`jobs/services.py`'s `job_pick`) is a mark on a
finished one, not a status.

Tasks (jobs/tasks.py) only call the `*_step` functions below with a job id; a step that finds the
job in another state than it expects does nothing, so every task is safe to run twice. Poll and
download steps also carry the job's poll or download count, claimed with a conditional update, so
a duplicate message (one re-sent by the reconciler) finds its turn taken and stops.

A Celery message is only a nudge: `schedule` records on the job when the step is due
(`next_attempt_at`), and a message the broker would not take is logged, not raised. The reconciler
re-sends the step of every moving job that is stale *and* past its due time, so a lost message is
sent again but a step waiting for a later `Retry-After` is left to wait.
"""

import errno
import functools
import logging
import tempfile
import uuid
from datetime import timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from jobs import audio, polling, upstream
from jobs.files import reference_url_for_generator
from jobs.models import Job, JobEvent, song_key, stem_key
from plumbing import enqueue
from plumbing.errors import ExplainedError
from plumbing.uploads import upload_display_name

logger = logging.getLogger(__name__)
S = Job.Status
STEP_TASKS = {"submit": enqueue.SUBMIT, "poll": enqueue.POLL, "download": enqueue.DOWNLOAD}


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
                job_id=job_id,
                at=now,
                attempt=current["attempt"],
                from_status=current["status"],
                to_status=to,
                note=note,
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


# --- what people do (pages, API and commands call these through jobs/services.py) ---------------


def job_create(*, owner, team, prompt, reference_track=None, reference_info=None, versions: int = 1, **inputs):
    """Store the reference (if the model takes one) once, create `versions` queued jobs using it, and
    send each to a worker once the rows are committed. Returns the first version. `inputs`: the job's
    other fields (model, style, is_instrumental, ...)."""
    job = Job(owner=owner, team=team, prompt=prompt, **inputs)
    if reference_track is None:
        job_record(job, versions=versions)
        return job
    job.reference_name = upload_display_name(reference_track.name)
    job.reference_format = reference_info.format
    job.reference_duration = reference_info.duration
    job.reference_size = reference_info.size
    job.reference_track.save(f"reference.{reference_info.format}", reference_track, save=False)
    try:
        job_record(job, versions=versions)
    except Exception:
        default_storage.delete(job.reference_track.name)
        raise
    return job


def job_record(job: Job, *, versions: int = 1) -> None:
    """Save a new job whose reference is already stored (an upload, or a draft's: jobs/drafts.py) as
    queued, and send it to a worker once the row is committed.

    With `versions` > 1 the job is version 1 of a group: its siblings are the same request (the same
    stored reference, no copy) saved as jobs of their own, each submitted and generated separately.
    """
    siblings = [job, *(_sibling_of(job, number) for number in range(2, versions + 1))]
    if versions > 1:
        job.version_group = uuid.uuid4()
        for sibling in siblings:
            sibling.version_group = job.version_group
    with transaction.atomic():
        for sibling in siblings:
            sibling.save(force_insert=True)
            JobEvent.objects.create(job=sibling, attempt=sibling.attempt, to_status=S.QUEUED, note="Uploaded.")
            schedule_on_commit("submit", sibling.id)


def _sibling_of(job: Job, version_number: int) -> Job:
    """A copy of an unsaved job as another version: every field the same but its id and number."""
    fields = {
        field.attname: getattr(job, field.attname) for field in Job._meta.concrete_fields if not field.primary_key
    }
    return Job(**fields | {"version_number": version_number})


def job_cancel(job: Job, *, by) -> bool:
    """Stop a job nobody wants any more; return whether it moved (it was queued or generating). The hosted
    API cannot stop a generation; we stop polling it."""
    return move(job.id, from_statuses=Job.CANCELLABLE_STATUSES, to=S.CANCELLED, note=f"Cancelled by {by.username}.")


def job_retry(job: Job, *, by) -> bool:
    """Start a new attempt of a failed or cancelled job; return whether it moved. The old error stays in the
    job's events."""
    with transaction.atomic():
        moved = move(
            job.id,
            from_statuses=Job.RETRYABLE_STATUSES,
            to=S.QUEUED,
            note=f"Retried by {by.username}.",
            attempt=F("attempt") + 1,
            submit_tries=0,
            polls=0,
            download_tries=0,
            error="",
            generation_id="",
            upstream_status="",
            deadline_at=None,
            next_attempt_at=None,
            seen_working_at=None,
        )
        if moved:
            schedule_on_commit("submit", job.id)
    return moved


# --- what workers do ----------------------------------------------------------------------------


def submit_step(job_id):
    """Claim a queued job and send it to the generator. The paid POST is sent at most once per id."""
    if not move(job_id, from_statuses=(S.QUEUED,), to=S.SUBMITTING, submit_tries=F("submit_tries") + 1):
        return
    job = Job.objects.get(id=job_id)
    deadline = timedelta(seconds=settings.MUSICGEN_JOB_DEADLINE_SECONDS)
    try:
        reference_url = reference_url_for_generator(job, valid_for=deadline * 2) if job.reference_track else None
        generation_id = upstream.MusicApiClient.from_settings().submit(
            model=job.model, inputs=job.inputs, reference_audio_url=reference_url
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
        if move(
            job.id, from_statuses=(S.SUBMITTING,), to=S.QUEUED, note=f"{exc.message} Trying again in {countdown} s."
        ):
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
    job = _claim_turn(job_id, status=S.GENERATING, counter="polls", number=poll_number)
    if job is None:
        return
    if job.deadline_at and timezone.now() > job.deadline_at:
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
        schedule(
            "poll",
            job_id,
            poll_number + 1,
            countdown=getattr(exc, "retry_after", None) or polling.next_poll_delay(job, poll_number),
        )
        return
    if generation.is_working:
        next_poll = polling.next_poll_delay(job, poll_number)
        schedule(
            "poll",
            job_id,
            poll_number + 1,
            countdown=next_poll,
            upstream_status=generation.status,
            seen_working_at=timezone.now(),
        )
    elif generation.status == "completed":
        if move(
            job_id,
            from_statuses=(S.GENERATING,),
            to=S.DOWNLOADING,
            upstream_status="completed",
            download_tries=0,
            deadline_at=timezone.now() + timedelta(seconds=settings.MUSICGEN_DOWNLOAD_DEADLINE_SECONDS),
        ):
            download_step(job_id, 0, generation=generation)
    elif generation.status == "error":
        reason = generation.error or "no reason given"
        fail(job_id, f"The generator could not make this song: {reason}", from_statuses=(S.GENERATING,))
    else:
        fail(
            job_id,
            f"The generator answered with an unknown status {generation.status!r}.",
            from_statuses=(S.GENERATING,),
        )


def download_step(job_id, download_number, generation=None):
    """Copy the finished song, and its stems when the generator offers them, into our storage (upstream
    URLs expire), then mark the job completed with the lyrics' timing if it came.

    `generation` is the status answer that said the song is complete; a re-driven step asks again.

    Bounded twice: by MUSICGEN_DOWNLOAD_MAX_ATTEMPTS claims (a worker killed mid-download used one up)
    and by the downloading phase's deadline, past which a failed try is not tried again. Whatever
    goes wrong, the job ends completed or failed.
    """
    job = _claim_turn(job_id, status=S.DOWNLOADING, counter="download_tries", number=download_number)
    if job is None:
        return
    if job.download_tries > settings.MUSICGEN_DOWNLOAD_MAX_ATTEMPTS:  # the earlier tries' workers died
        fail(
            job_id,
            f"The finished song could not be saved: the worker saving it stopped "
            f"{settings.MUSICGEN_DOWNLOAD_MAX_ATTEMPTS} times. Retry the job.",
            from_statuses=(S.DOWNLOADING,),
        )
        return
    client = upstream.MusicApiClient.from_settings()
    try:
        if generation is None:  # re-driven: ask again, the old URLs may have expired
            generation = client.status(job.generation_id)
        stored = _store_song(client, generation.audio_url)
        stems = _store_stems(client, generation.stem_urls, also_remove_on_failure=stored[0])
    except SoftTimeLimitExceeded:
        raise  # the task says why the worker stopped
    except Exception as exc:  # noqa: BLE001 - a download must end in a decision, never in a stuck job
        _download_failed(job, exc)
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
        lyrics_timing=generation.lyrics_timing,
        completed_at=timezone.now(),
        **stems,
    ):
        for stored_name in (name, *stems.values()):  # another worker finished first, or the job was cancelled
            default_storage.delete(stored_name)


def _claim_turn(job_id, *, status, counter, number):
    """Take turn `number` of a counted step (polls, download tries): the job, or None if another run
    took that turn first or the job moved on. A conditional update, so only one run gets each turn."""
    claimed = Job.objects.filter(id=job_id, status=status, **{counter: number}).update(
        **{counter: number + 1}, last_activity_at=timezone.now()
    )
    return Job.objects.get(id=job_id) if claimed else None


def _download_failed(job, exc):
    """Try the download again while tries and time are left and trying may help; otherwise fail the job."""
    reason, may_pass = _download_problem(exc, job.id)
    tries_left = job.download_tries < settings.MUSICGEN_DOWNLOAD_MAX_ATTEMPTS
    if may_pass and tries_left and timezone.now() < job.deadline_at:
        logger.warning("download of job %s: %s", job.id, reason)
        schedule("download", job.id, job.download_tries, countdown=_backoff(job.download_tries))
        return
    gave_up = f" Gave up after {job.download_tries} tries; retry the job." if may_pass else ""
    fail(job.id, f"The finished song could not be saved: {reason}{gave_up}", from_statuses=(S.DOWNLOADING,))


def _download_problem(exc, job_id):
    """(a sentence for the person, whether trying again may help) for anything a download raised."""
    if isinstance(exc, ExplainedError):  # the client's named errors, or a song that does not decode
        return exc.message, getattr(exc, "transient", False)
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return "the server's storage is full; whoever runs musicgen must free some space.", True
    logger.exception("download of job %s failed unexpectedly", job_id, exc_info=exc)
    return "the storage or the worker failed unexpectedly; the error has been logged.", True


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


def _store_stems(client, stem_urls, *, also_remove_on_failure):
    """{Job field: stored name} of the stems, when the generator offers all of Job.STEM_FIELDS; each under
    the song's size cap and checked to decode, like the song.

    A try that fails part way removes what it stored (and the song stored before it), so a try
    sent again starts clean and nothing is left behind in storage.
    """
    stem_urls = stem_urls or {}
    if not all(stem in stem_urls for stem in Job.STEM_FIELDS):
        return {}  # a song with half its stems offers no sing-along: keep none
    stored = {}
    try:
        for stem, field in Job.STEM_FIELDS.items():
            with tempfile.NamedTemporaryFile(suffix=".audio") as local:
                client.download(stem_urls[stem], local, max_bytes=settings.MUSICGEN_SONG_MAX_MB * 1_000_000)
                local.flush()
                with File(open(local.name, "rb"), name=local.name) as stem_file:
                    stem_format = audio.measure_song(stem_file).format  # a stem that does not decode is refused
                    stored[field] = default_storage.save(stem_key(None, f"{stem}.{stem_format}"), stem_file)
    except BaseException:
        for stored_name in (also_remove_on_failure, *stored.values()):
            default_storage.delete(stored_name)
        raise
    return stored


def reconcile():
    """Re-drive jobs that stopped moving (a worker died, a message was lost). Run by beat every minute.

    A job is re-driven only when it is stale and its next step is overdue by as much: a step waiting
    for a later Retry-After, or a slow poll, is left alone. Returns (job, step) for each job re-driven,
    for `manage.py jobs redrive` to report.
    """
    older_than = timedelta(seconds=settings.MUSICGEN_STALE_AFTER_SECONDS)
    overdue = stalled_jobs(older_than=older_than).exclude(next_attempt_at__gte=timezone.now() - older_than)
    return [(job, job_redrive(job)) for job in overdue]


def stalled_jobs(*, older_than: timedelta):
    """Jobs still moving whose last step was longer ago than `older_than`, longest stalled first."""
    return Job.objects.filter(
        status__in=Job.MOVING_STATUSES, last_activity_at__lt=timezone.now() - older_than
    ).order_by("last_activity_at")


def job_redrive(job: Job) -> str | None:
    """Send a moving job the step its status waits for; return that step's name, or None for a final job.

    Safe to repeat: each step claims the job first.
    """
    if job.status == S.QUEUED:
        schedule("submit", job.id)
        return "submit"
    if job.status == S.SUBMITTING:
        fail(
            job.id,
            "The worker stopped while sending this job to the generator, so it may or may not have been "
            "received. It was not sent again to avoid paying twice; retry the job to send it again.",
            from_statuses=(S.SUBMITTING,),
        )
        return "fail"
    if job.status == S.GENERATING:
        schedule("poll", job.id, job.polls)
        return "poll"
    if job.status == S.DOWNLOADING:
        schedule("download", job.id, job.download_tries)
        return "download"
    return None


# --- scheduling ---------------------------------------------------------------------------------


def schedule(step, job_id, *args, countdown=None, **fields):
    """Send a step to the app worker and record when it is due (with `fields`, in the same update: a poll
    of a thousand jobs in flight saves a write); return whether the broker took it.

    A broker that is down is logged, not raised (plumbing/enqueue.py): the job's state is in the
    database already, and the reconciler sends the step once it is overdue.
    """
    due = timezone.now() + timedelta(seconds=countdown or 0)
    Job.objects.filter(id=job_id).update(next_attempt_at=due, **fields)
    return enqueue.send(STEP_TASKS[step], job_id, *args, countdown=countdown)


def schedule_on_commit(step, job_id):
    """`schedule` once the current transaction commits: whatever goes wrong sending, the person who
    made or retried the job still gets its page."""
    transaction.on_commit(functools.partial(schedule, step, job_id), robust=True)


def _backoff(tries):
    return min(2**tries, 60)
