"""Saving a finished song brings the local service's extras along: the lyrics' timing and the stems.

Against a scripted music API over real HTTP (tests/fake_upstream.py); the stems are served by a file
server on loopback, so their faults can be scripted too.
"""

import pytest
import soundfile
from django.core.files.storage import default_storage

from jobs import flow, services
from jobs.models import Job
from tests.audio_samples import tone_mp3
from tests.fake_upstream import Answer
from tests.file_server import announced, send

S = Job.Status
LYRICS_TIMING = [
    {
        "text": "Side by side",
        "start": 2.0,
        "end": 4.25,
        "words": [
            {"text": "Side", "start": 2.0, "end": 2.5},
            {"text": "by", "start": 2.5, "end": 3.0},
            {"text": "side", "start": 3.0, "end": 4.25},
        ],
    }
]


def refreshed(job):
    job.refresh_from_db()
    return job


def completed(upstream, *, stems=None, lyrics_timing=LYRICS_TIMING):
    body = {"id": "gen-1", "status": "completed", "audio_file": {"url": upstream.song_url}, "error": None}
    if stems is not None:
        body["stems"] = {stem: {"url": url} for stem, url in stems.items()}
    if lyrics_timing is not None:
        body["lyrics_timing"] = lyrics_timing
    return Answer(200, body)


def stored_names():
    """Every song and stem in storage, to see that nothing is left behind."""
    return {
        f"{folder}/{name}"
        for folder in ("songs", "stems")
        if default_storage.exists(folder)
        for name in default_storage.listdir(folder)[1]
    }


@pytest.fixture
def generating_job(upstream, step_queue, queued_job):
    flow.submit_step(queued_job.id)
    step_queue.clear()
    upstream.song_bytes = tone_mp3(21.0, channels=2)
    return refreshed(queued_job)


@pytest.fixture
def stem_urls(file_server):
    return {
        "vocals": file_server.route("/vocals.mp3", send(tone_mp3(21.0, frequency=440.0))),
        "instrumental": file_server.route("/instrumental.mp3", send(tone_mp3(21.0, frequency=220.0))),
    }


def test_a_song_from_the_local_service_is_stored_with_its_lyrics_timing_and_both_stems(
    upstream, generating_job, stem_urls
):
    upstream.get_answers = [completed(upstream, stems=stem_urls)]

    flow.poll_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert job.status == S.COMPLETED
    assert job.lyrics_timing == LYRICS_TIMING
    for stem in (job.vocals_stem, job.instrumental_stem):
        assert stem.name.startswith("stems/") and stem.name.endswith(".mp3")
        with default_storage.open(stem.name) as stored:
            assert soundfile.info(stored).duration == pytest.approx(21.0, abs=0.2)


def test_a_song_from_the_hosted_api_has_neither_timing_nor_stems(upstream, generating_job):
    upstream.get_answers = [completed(upstream, lyrics_timing=None)]

    flow.poll_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert job.status == S.COMPLETED
    assert (job.lyrics_timing, job.vocals_stem.name, job.instrumental_stem.name) == (None, "", "")


@pytest.mark.parametrize(
    "lyrics_timing",
    [{"text": "not a list"}, [{"text": "no times"}], [{"text": "x", "start": "2", "end": 3}], "lines"],
)
def test_lyrics_timing_of_another_shape_is_left_out_and_the_song_kept(upstream, generating_job, lyrics_timing):
    upstream.get_answers = [completed(upstream, lyrics_timing=lyrics_timing)]

    flow.poll_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert (job.status, job.lyrics_timing) == (S.COMPLETED, None)


def test_stems_offered_only_in_part_are_not_downloaded(upstream, generating_job, stem_urls, file_server):
    upstream.get_answers = [completed(upstream, stems={"vocals": stem_urls["vocals"]})]

    flow.poll_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert job.status == S.COMPLETED and not job.has_stems
    assert file_server.requests == []


def test_a_stem_over_the_song_size_limit_fails_the_job_and_leaves_nothing_in_storage(
    upstream, settings, generating_job, file_server, stem_urls
):
    settings.MUSICGEN_SONG_MAX_MB = 1
    stem_urls["instrumental"] = file_server.route("/huge.mp3", send(b"\xff\xfb" * 600_000))
    upstream.get_answers = [completed(upstream, stems=stem_urls)]
    before = stored_names()

    flow.poll_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert job.status == S.FAILED
    assert "larger than 1 MB" in job.error
    assert stored_names() == before


def test_a_stem_that_is_not_audio_fails_the_job_like_a_song_that_is_not(
    upstream, generating_job, file_server, stem_urls
):
    stem_urls["vocals"] = file_server.route("/expired.mp3", send(b"<html>expired link</html>"))
    upstream.get_answers = [completed(upstream, stems=stem_urls)]

    flow.poll_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert job.status == S.FAILED
    assert job.error.startswith("The finished song could not be saved:")


def test_a_stem_cut_off_is_tried_again_from_a_clean_slate_and_then_stored_once(
    upstream, step_queue, generating_job, file_server, stem_urls
):
    file_server.route("/vocals.mp3", announced(100_000, tone_mp3(16.0)[:5000]))
    upstream.get_answers = [completed(upstream, stems=stem_urls)]
    before = stored_names()

    flow.poll_step(generating_job.id, 0)

    assert refreshed(generating_job).status == S.DOWNLOADING
    assert stored_names() == before  # the song stored before the stem failed is gone again
    file_server.route("/vocals.mp3", send(tone_mp3(21.0)))
    flow.download_step(*step_queue.last().args)

    job = refreshed(generating_job)
    assert job.status == S.COMPLETED and job.has_stems
    assert stored_names() - before == {job.song.name, job.vocals_stem.name, job.instrumental_stem.name}


def test_a_duplicate_download_step_stores_nothing_more(upstream, step_queue, generating_job, stem_urls):
    upstream.get_answers = [completed(upstream, stems=stem_urls)]
    flow.poll_step(generating_job.id, 0)
    after_first = stored_names()

    flow.download_step(generating_job.id, 0)

    assert stored_names() == after_first


def test_deleting_a_job_removes_its_stems_from_storage(upstream, generating_job, stem_urls):
    upstream.get_answers = [completed(upstream, stems=stem_urls)]
    flow.poll_step(generating_job.id, 0)
    job = refreshed(generating_job)

    services.job_delete(job=job)

    for stored in (job.song, job.vocals_stem, job.instrumental_stem):
        assert not default_storage.exists(stored.name)
