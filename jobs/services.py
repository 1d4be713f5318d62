"""What people do with jobs, one function an action. Pages (jobs/views.py), the API (api/views.py), the
admin and management commands parse what they were sent, ask jobs/selectors.py who may act, call one
of these, and present the answer. A refusal is an ExplainedError whose `message` is the sentence to show:
pages show it as a message or a form error, the API answers it as {"detail": message}.

    song_start    a new song and its versions, from an upload, a draft, an earlier job's reference, or none
    job_cancel    stop a queued or generating job
    job_retry     a new attempt of a failed or cancelled job
    job_pick      mark one finished version as the pick among its siblings
    job_delete    remove a finished job with its files and share links

The transitions these drive are in jobs/flow.py. Share links are made and revoked by jobs/sharing.py,
draft references by jobs/drafts.py.
"""

import logging
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.db import transaction

from jobs import drafts, flow
from jobs.audio import AudioInfo, ReferenceRejected, measure_reference
from jobs.models import DraftReference, Job
from plumbing.errors import ExplainedError
from teams.models import Team

logger = logging.getLogger(__name__)


class EarlierReferenceUnusable(ExplainedError):
    """The stored reference of an earlier job does not suit the model asked for now."""


class JobMovedOn(ExplainedError):
    """The job is no longer where the action applies: a worker or another person moved it meanwhile."""


class JobNotDeletable(ExplainedError):
    pass


class JobNotPickable(ExplainedError):
    pass


@dataclass(frozen=True)
class MeasuredReference:
    """A reference file, open, with what jobs/audio.py measured in it."""

    file: File
    info: AudioInfo


def song_start(
    *,
    owner,
    team: Team,
    model: str,
    prompt: str,
    versions: int = 1,
    upload: MeasuredReference | None = None,
    draft: DraftReference | None = None,
    reuse_reference_of: Job | None = None,
    **inputs: Any,
) -> Job:
    """Queue a new song and its other `versions`; return the first version.

    Its reference is the first one given: a file just uploaded (stored once for all versions), the
    owner's draft (its stored file taken over, no copy), or the stored reference of an earlier job
    (copied, and measured again for `model`). With none of them the song has no reference, for a model
    that takes none. `inputs` are the job's other fields (style, is_instrumental, audio_setting, ...).

    Raises DraftUnavailable when the draft is not the owner's or was used or swept meanwhile, and
    EarlierReferenceUnusable when the earlier job's reference does not suit `model`.
    """
    song = {"team": team, "model": model, "prompt": prompt, "versions": versions, **inputs}
    if upload is None and draft is not None:
        if draft.owner_id != owner.id:
            raise drafts.DraftUnavailable.gone()
        return drafts.job_create_from_draft(draft=draft, **song)
    reference = upload
    if reference is None and reuse_reference_of is not None:
        reference = _stored_reference(reuse_reference_of, model_name=model)
    if reference is None:
        return flow.job_create(owner=owner, **song)
    with reference.file:
        return flow.job_create(owner=owner, reference_track=reference.file, reference_info=reference.info, **song)


def _stored_reference(job: Job, *, model_name: str) -> MeasuredReference:
    """The job's stored reference, opened and measured again, named as the person named it."""
    stored = job.reference_track.storage.open(job.reference_track.name, "rb")
    reference_track = File(stored, name=job.reference_name)
    try:
        return MeasuredReference(reference_track, measure_reference(reference_track, model_name=model_name))
    except ReferenceRejected as rejection:
        stored.close()
        raise EarlierReferenceUnusable(f"The earlier reference cannot be used again: {rejection.message}") from None


def job_cancel(*, job: Job, by) -> None:
    """Stop a queued or generating job (jobs/flow.py: a conditional transition); `job` is refreshed to its
    new state. Raises JobMovedOn, saying where the job is now, when it was neither queued nor generating."""
    _refresh_or_refuse(job, moved=flow.job_cancel(job, by=by), action_done="cancelled")


def job_retry(*, job: Job, by) -> None:
    """Start a new attempt of a failed or cancelled job; `job` is refreshed to its new state. Raises
    JobMovedOn, saying where the job is now, when it was neither failed nor cancelled."""
    _refresh_or_refuse(job, moved=flow.job_retry(job, by=by), action_done="retried")


def _refresh_or_refuse(job: Job, *, moved: bool, action_done: str) -> None:
    job.refresh_from_db()
    if not moved:
        raise JobMovedOn(f"This job could not be {action_done}: it is {job.get_status_display().lower()} now.")


def job_pick(*, job: Job, by) -> None:
    """Mark a finished version as the pick of its group; a pick made earlier moves to it.

    Raises JobNotPickable for a single song, or a version that is not completed.
    """
    if not job.has_versions:
        raise JobNotPickable("This song was made as a single version, so there is no other version to pick from.")
    if job.status != Job.Status.COMPLETED:
        raise JobNotPickable(
            f"Only a finished version can be the pick; this one is {job.get_status_display().lower()}. "
            "Listen to the versions once they are ready, then pick one."
        )
    versions = Job.objects.filter(version_group=job.version_group)
    with transaction.atomic():
        _lock(versions)  # two picks at once go one after the other
        versions.filter(is_pick=True).exclude(id=job.id).update(is_pick=False)
        versions.filter(id=job.id).update(is_pick=True)
    job.is_pick = True
    logger.info("job %s picked among its versions by %s", job.id, by.username)


def job_delete(*, job: Job) -> None:
    """Remove a finished job: its row, events and share links, then its reference, song and stems from storage.

    Only a finished job (completed, failed, cancelled); JobNotDeletable otherwise: a moving one may be
    mid-step in a worker, which would store a song for a job that no longer exists. The row goes first,
    so a file is never missing for a job that is still listed. The reference stays while another
    version still uses it: the versions' rows are locked while one is deleted, so two versions deleted
    at once cannot each leave the file to the other.
    """
    versions = Job.objects.filter(version_group=job.version_group) if job.has_versions else Job.objects.none()
    with transaction.atomic():
        _lock(versions)
        deleted, _ = Job.objects.filter(id=job.id, status__in=Job.FINAL_STATUSES).delete()
        if not deleted:
            raise JobNotDeletable(
                "This job is still being made, so it cannot be deleted yet; cancel it or wait until it finishes."
            )
        reference_in_use = versions.filter(reference_track=job.reference_track.name).exists()
    for stored in job.stored_files():
        if stored.name == job.reference_track.name and reference_in_use:
            continue
        stored.storage.delete(stored.name)


def _lock(jobs) -> None:
    """Lock these job rows until the transaction ends, always in id order, so two lockers never deadlock."""
    list(jobs.select_for_update().order_by("id").values_list("id"))
