"""The life of a generation, in one place.

    (new) ──> queued ──> generating ──> completed
                 ▲            │
                 └── lost ────┤
                              └──────> error

- (new) -> queued: the API view, in the request's transaction; the render task is sent on commit.
  A broker that will not take the message is logged: the sweep sends it later. Each accepted POST
  is one Generation row, rendered until it completes or errs, never a second row.
- queued -> generating: the render task claims the row with a conditional UPDATE that also counts
  the render (`render_tries`), so a second run of the same task finds nothing to claim and stops.
  While it renders, a thread writes `heartbeat_at` every LOCALGEN_HEARTBEAT_SECONDS.
- generating -> completed: the song is stored in default storage.
- generating -> error: the reference could not be fetched, the engine refused it (too short, not
  audio...), the render ran past its time limit, or anything else failed. Every failure path ends
  here, so a generation is never left "generating" by a task that raised.
- generating -> queued, by `sweep_stale`: a worker killed outright (OOM, SIGKILL, the hard time
  limit) runs no except clause and its heartbeat stops; after LOCALGEN_LOST_AFTER_SECONDS of silence
  the generation is sent to the engine again, at most LOCALGEN_RENDER_MAX_TRIES renders in all, then
  it ends in error. The same sweep re-sends a queued generation whose message was lost (a broker
  emptied by a restart). Every update of a render is conditional on its own `render_tries`, so a
  render that was given up on cannot overwrite the one that replaced it.
"""

import dataclasses
import json
import logging
import tempfile
import threading
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import soundfile
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from generation import catalogue
from localgen.models import Generation
from localgen.reference import ReferenceUnavailable, fetch_reference
from plumbing import enqueue

logger = logging.getLogger(__name__)
S = Generation.Status

# A render that takes longer is stopped (soft limit) and its generation failed with a reason.
RENDER_SOFT_TIME_LIMIT = 600
RENDER_HARD_TIME_LIMIT = RENDER_SOFT_TIME_LIMIT + 60
# The file the engine writes each stem to, in its `stems_dir`.
ENGINE_STEM_FILES = {"vocals": "vocals.wav", "instrumental": "accompaniment.wav"}


class ReferenceRefused(Exception):
    """The model cannot use the fetched reference; the message is the catalogue's sentence."""


def generation_create(*, key, **request_fields):
    """Record a queued generation (`request_fields`: model, prompt, lyrics, reference_audio_url...) and
    send it to the engine worker once the row is committed."""
    with transaction.atomic():
        generation = Generation.objects.create(key=key, **request_fields)
        enqueue.send_on_commit(enqueue.RENDER_GENERATION, generation.id)
    return generation


def render_step(generation_id):
    """Claim a queued generation, render it, and leave it completed or in error. A no-op when already claimed."""
    now = timezone.now()
    claimed = Generation.objects.filter(id=generation_id, status=S.QUEUED).update(
        status=S.GENERATING, started_at=now, heartbeat_at=now, render_tries=F("render_tries") + 1
    )
    if not claimed:
        return
    # Imported here so that only the engine worker loads the engine and its numeric libraries; the
    # web process, which imports this module to create generations, never needs them.
    from engine import EngineError, render

    generation = Generation.objects.get(id=generation_id)
    try:
        with _heartbeat(generation):
            _render(generation, render)
    except (ReferenceUnavailable, ReferenceRefused, EngineError) as exc:
        _fail(generation, _sentence(str(exc)))
    except SoftTimeLimitExceeded:
        minutes = RENDER_SOFT_TIME_LIMIT // 60
        _fail(generation, f"The song took longer than {minutes} minutes to make and was stopped; try shorter lyrics.")
    except Exception:
        logger.exception("generation %s failed unexpectedly", generation_id)
        _fail(generation, "The song could not be made because of an internal error, which has been logged. Try again.")


def _this_render(generation):
    """The generation's row while this render owns it: not given up on as lost, not re-claimed since."""
    return Generation.objects.filter(id=generation.id, status=S.GENERATING, render_tries=generation.render_tries)


@contextmanager
def _heartbeat(generation):
    """While the block runs, mark the render alive every LOCALGEN_HEARTBEAT_SECONDS from a thread."""
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(settings.LOCALGEN_HEARTBEAT_SECONDS):
                try:
                    _this_render(generation).update(heartbeat_at=timezone.now())
                except Exception:
                    logger.warning("a render's heartbeat could not be written", exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name="render-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _render(generation, render):
    """Fetch the reference (for the models that take one), let the engine make the song, store it in
    the format the audio_setting asks for with its stems (a sung song's), mark it completed."""
    with tempfile.TemporaryDirectory(prefix="localgen-") as workdir:
        reference_path = None
        if generation.reference_audio_url:
            reference_path = Path(workdir) / "reference"
            with open(reference_path, "wb") as reference_file:
                fetch_reference(generation.reference_audio_url, reference_file)
            _check_reference(generation.model, reference_path)
        song_name = f"song.{generation.audio_format}"
        song_path, stems = Path(workdir) / song_name, Path(workdir) / "stems"
        result = render(
            reference_path and str(reference_path),
            generation.engine_lyrics,
            generation.seed,
            str(song_path),
            stems_dir=stems,
            **generation.engine_options,
        )
        with open(song_path, "rb") as song:
            generation.audio_file.save(song_name, File(song), save=False)
        if not generation.is_instrumental:  # an instrumental's vocal stem is silence
            for stem, field in Generation.STEM_FIELDS.items():
                _store_stem(getattr(generation, field), stems / ENGINE_STEM_FILES[stem])
    stored = [generation.audio_file, generation.vocals_file, generation.instrumental_file]
    moved = _this_render(generation).update(
        status=S.COMPLETED,
        finished_at=timezone.now(),
        audio_file=generation.audio_file.name,
        vocals_file=generation.vocals_file.name,
        instrumental_file=generation.instrumental_file.name,
        lyrics_timing=_as_json(result.lyrics_timing),
        song_duration=result.duration,
        timings=_as_json(result.timings),
        analysis=_as_json(result.analysis),
    )
    if not moved:  # given up on as lost while rendering: the stored files belong to nobody
        for stored_file in stored:
            stored_file.delete(save=False)


def _store_stem(field_file, wav_path):
    """Store one of the engine's WAV stems as an MP3: a tenth of the size, as the song itself is sent."""
    samples, rate = soundfile.read(str(wav_path), dtype="float32")
    mp3_path = wav_path.with_suffix(".mp3")
    soundfile.write(str(mp3_path), samples, rate, format="MP3")
    with open(mp3_path, "rb") as mp3:
        field_file.save(f"{field_file.field.name.removesuffix('_file')}.mp3", File(mp3), save=False)


def _check_reference(model_name, reference_path):
    """Refuse a reference the model cannot use (its formats, length and size: generation/catalogue.py)
    with the catalogue's sentence, as the app's form would have."""
    try:
        info = soundfile.info(str(reference_path))
    except (soundfile.LibsndfileError, RuntimeError):
        return  # not audio the reader knows: the engine's decoder says what is wrong with it
    audio_format = {"WAVEX": "wav"}.get(info.format, info.format.lower())
    facts = catalogue.ReferenceFacts(audio_format, info.duration, reference_path.stat().st_size)
    problem = catalogue.reference_problem(model_name, facts)
    if problem:
        raise ReferenceRefused(problem)


def _fail(generation, reason):
    if _this_render(generation).update(status=S.ERROR, error=reason, finished_at=timezone.now()):
        logger.info("generation %s failed: %s", generation.id, reason)


def sweep_stale():
    """Re-send generations that stopped moving; return how many were failed and how many re-sent.

    A render whose heartbeat stopped lost its worker (OOM, SIGKILL, the hard time limit): it is sent
    again, or failed once it has used LOCALGEN_RENDER_MAX_TRIES renders. A queued generation not
    picked up for as long may have lost its message (a broker restart) and is sent again; if the
    message was only waiting behind other renders, the extra one finds the generation claimed.
    """
    now = timezone.now()
    lost_before = now - timedelta(seconds=settings.LOCALGEN_LOST_AFTER_SECONDS)
    failed = resent = 0
    lost_renders = Generation.objects.filter(status=S.GENERATING, heartbeat_at__lt=lost_before)
    for generation_id, tries in lost_renders.values_list("id", "render_tries"):
        lost = Generation.objects.filter(id=generation_id, status=S.GENERATING, render_tries=tries)
        if tries >= settings.LOCALGEN_RENDER_MAX_TRIES:
            failed += lost.update(
                status=S.ERROR,
                finished_at=now,
                error=f"The worker making this song stopped unexpectedly {tries} times (it was restarted or ran "
                "out of memory). Send the generation again later.",
            )
        elif lost.update(status=S.QUEUED, heartbeat_at=now):
            enqueue.send(enqueue.RENDER_GENERATION, generation_id)
            resent += 1
    waiting = Generation.objects.filter(status=S.QUEUED, heartbeat_at__lt=lost_before)
    for generation_id in waiting.values_list("id", flat=True):
        if waiting.filter(id=generation_id).update(heartbeat_at=now):
            enqueue.send(enqueue.RENDER_GENERATION, generation_id)
            resent += 1
    return failed, resent


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
