"""The life of a generation, in one place.

    (new) ──> queued ──> generating ──> completed
                              │
                              └──────> error

- (new) -> queued: the API view, in the request's transaction; the render task is sent on commit.
- queued -> generating: the render task claims the row with a conditional UPDATE, so a second run of
  the same task (a redelivered message) finds nothing to claim and stops.
- generating -> completed: the song is stored in default storage.
- generating -> error: the reference could not be fetched, the engine refused it (too short, not
  audio...), the render ran past its time limit, or anything else failed. Every failure path ends
  here, so a generation is never left "generating" by a task that raised.
- generating -> error, by `sweep_stale`: a worker that was killed outright (OOM, SIGKILL, the hard
  time limit) runs no except clause; its generation is found by its old `started_at` and failed.
  The same sweep sends a long-queued generation to the engine again, in case its message was lost.
"""

import dataclasses
import json
import logging
import tempfile
from datetime import timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from localgen.models import Generation
from localgen.reference import ReferenceUnavailable, fetch_reference
from musicgen.celery import app as celery_app

logger = logging.getLogger(__name__)
S = Generation.Status

# A render that takes longer is stopped (soft limit) and its generation failed with a reason.
RENDER_SOFT_TIME_LIMIT = 600
RENDER_HARD_TIME_LIMIT = RENDER_SOFT_TIME_LIMIT + 60
# Past this, no live worker can still be rendering a generation: its worker died.
STALE_AFTER = timedelta(seconds=RENDER_HARD_TIME_LIMIT + 60)


def generation_create(*, key, prompt, reference_audio_url):
    """Record a queued generation and send it to the engine worker once the row is committed."""
    with transaction.atomic():
        generation = Generation.objects.create(key=key, prompt=prompt, reference_audio_url=reference_audio_url)
        transaction.on_commit(lambda: _send_to_engine(generation.id))
    return generation


def _send_to_engine(generation_id):
    celery_app.send_task("localgen.tasks.render_generation", args=[str(generation_id)])


def render_step(generation_id):
    """Claim a queued generation, render it, and leave it completed or in error. A no-op when already claimed."""
    claimed = Generation.objects.filter(id=generation_id, status=S.QUEUED).update(
        status=S.GENERATING, started_at=timezone.now()
    )
    if not claimed:
        return
    # Imported here so that only the engine worker loads the engine and its numeric libraries; the
    # web process, which imports this module to create generations, never needs them.
    from engine import EngineError, render

    generation = Generation.objects.get(id=generation_id)
    try:
        _render(generation, render)
    except (ReferenceUnavailable, EngineError) as exc:
        _fail(generation_id, _sentence(str(exc)))
    except SoftTimeLimitExceeded:
        minutes = RENDER_SOFT_TIME_LIMIT // 60
        _fail(generation_id, f"The song took longer than {minutes} minutes to make and was stopped; try shorter lyrics.")
    except Exception:
        logger.exception("generation %s failed unexpectedly", generation_id)
        _fail(generation_id, "The song could not be made because of an internal error, which has been logged. Try again.")


def _render(generation, render):
    """Fetch the reference, let the engine sing the prompt over it, store the song, mark it completed."""
    with tempfile.TemporaryDirectory(prefix="localgen-") as workdir:
        reference_path = Path(workdir) / "reference"
        with open(reference_path, "wb") as reference_file:
            fetch_reference(generation.reference_audio_url, reference_file)
        song_path = Path(workdir) / "song.mp3"
        result = render(str(reference_path), generation.prompt, generation.seed, str(song_path))
        with open(song_path, "rb") as song:
            generation.audio_file.save("song.mp3", File(song), save=False)
    moved = Generation.objects.filter(id=generation.id, status=S.GENERATING).update(
        status=S.COMPLETED,
        finished_at=timezone.now(),
        audio_file=generation.audio_file.name,
        song_duration=result.duration,
        timings=_as_json(result.timings),
        analysis=_as_json(result.analysis),
    )
    if not moved:  # swept as stale while rendering: the stored song belongs to nobody
        generation.audio_file.delete(save=False)


def _fail(generation_id, reason):
    Generation.objects.filter(id=generation_id, status=S.GENERATING).update(
        status=S.ERROR, error=reason, finished_at=timezone.now()
    )
    logger.info("generation %s failed: %s", generation_id, reason)


def sweep_stale():
    """Re-drive generations that stopped moving; return how many were failed and how many re-sent.

    A worker killed mid-render (OOM, SIGKILL, the hard time limit) ran no except clause, so its
    generation is failed here. A queued generation whose message was lost (a broker restart) is sent
    again; if its message was only waiting behind other renders, the extra one finds it claimed.
    """
    stale_before = timezone.now() - STALE_AFTER
    failed = Generation.objects.filter(status=S.GENERATING, started_at__lt=stale_before).update(
        status=S.ERROR,
        finished_at=timezone.now(),
        error="The worker making this song stopped unexpectedly (it was restarted or ran out of memory). "
        "Send the generation again.",
    )
    waiting = Generation.objects.filter(status=S.QUEUED, created_at__lt=stale_before).values_list("id", flat=True)
    for generation_id in waiting:
        _send_to_engine(generation_id)
    return failed, len(waiting)


def _sentence(message):
    """The engine's messages may start in lower case; a person reads a sentence."""
    message = message.strip()
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."


def _as_json(value):
    """The engine's report as plain JSON: to_dict() or dataclass fields; numpy values become numbers."""
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    elif dataclasses.is_dataclass(value):
        value = dataclasses.asdict(value)
    return json.loads(json.dumps(value, default=_plain))


def _plain(value):
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return value.tolist()
    return str(value)
