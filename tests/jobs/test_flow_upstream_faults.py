"""How a job moves when the music API misbehaves, against a scripted API over real HTTP.

Each step is run the way a worker runs it; the steps it schedules land in a Redis queue no worker
reads, so the tests can see what would run next and when.
"""

import json
from datetime import timedelta

import pytest
import soundfile
from django.core.files.storage import default_storage
from django.utils import timezone

from jobs import flow
from jobs.models import Job
from tests.audio_samples import tone_mp3
from tests.fake_upstream import Answer, accepted, status

S = Job.Status


def refreshed(job):
    job.refresh_from_db()
    return job


def test_submit_sends_model_prompt_and_a_fetchable_reference_url_with_the_key(upstream, queued_job):
    flow.submit_step(queued_job.id)

    (method, path, headers, body), = upstream.posts()
    sent = json.loads(body)
    assert path == "/v2/generate/audio"
    assert headers["Authorization"] == "Bearer test-key"
    assert sent["model"] == "minimax-music"
    assert sent["prompt"] == queued_job.prompt
    assert sent["reference_audio_url"].startswith("http://127.0.0.1:8000/files/reference/")


def test_accepted_submit_saves_the_generation_id_and_schedules_the_first_poll(upstream, step_queue, queued_job):
    upstream.post_answers = [accepted("gen-42")]

    flow.submit_step(queued_job.id)

    job = refreshed(queued_job)
    assert (job.status, job.generation_id, job.upstream_status) == (S.GENERATING, "gen-42", "queued")
    assert job.deadline_at > timezone.now() + timedelta(minutes=9)
    step = step_queue.last()
    assert (step.task, step.args) == ("poll", [str(job.id), 0])
    assert step.countdown == pytest.approx(2, abs=1)


def test_a_second_submit_of_the_same_job_sends_nothing(upstream, queued_job):
    flow.submit_step(queued_job.id)
    flow.submit_step(queued_job.id)

    assert len(upstream.posts()) == 1


def test_bad_api_key_fails_the_job_and_says_to_check_the_key(upstream, queued_job):
    upstream.post_answers = [Answer(401, {"error": "invalid key"})]

    flow.submit_step(queued_job.id)

    job = refreshed(queued_job)
    assert job.status == S.FAILED
    assert "refused the API key (HTTP 401)" in job.error
    assert "MUSICGEN_API_KEY" in job.error


def test_rejected_input_fails_the_job_with_the_upstreams_words(upstream, queued_job):
    upstream.post_answers = [Answer(422, {"error": "prompt: the lyrics are too long"})]

    flow.submit_step(queued_job.id)

    job = refreshed(queued_job)
    assert job.status == S.FAILED
    assert job.error == "The generator rejected the job: prompt: the lyrics are too long"


def test_rate_limited_submit_waits_as_long_as_retry_after_says_then_sends_once(upstream, step_queue, queued_job):
    upstream.post_answers = [Answer(429, {"error": "slow down"}, {"Retry-After": "7"}), accepted("gen-7")]

    flow.submit_step(queued_job.id)

    assert refreshed(queued_job).status == S.QUEUED
    step = step_queue.last()
    assert step.task == "submit"
    assert step.countdown == pytest.approx(7, abs=1)

    flow.submit_step(queued_job.id)

    job = refreshed(queued_job)
    assert (job.status, job.generation_id) == (S.GENERATING, "gen-7")
    assert len(upstream.posts()) == 2  # one refused, one accepted


def test_server_error_is_retried_and_the_next_success_is_kept(upstream, queued_job):
    upstream.post_answers = [Answer(500, "Internal Server Error"), accepted("gen-ok")]

    flow.submit_step(queued_job.id)
    assert refreshed(queued_job).status == S.QUEUED
    flow.submit_step(queued_job.id)

    assert refreshed(queued_job).generation_id == "gen-ok"


def test_unavailable_upstream_gives_up_after_the_configured_tries(upstream, settings, queued_job):
    settings.MUSICGEN_SUBMIT_MAX_ATTEMPTS = 2
    upstream.post_answers = [Answer(503, "down")]

    flow.submit_step(queued_job.id)
    flow.submit_step(queued_job.id)

    job = refreshed(queued_job)
    assert job.status == S.FAILED
    assert "Gave up after 2 tries" in job.error


def test_read_timeout_on_submit_fails_without_sending_again(upstream, step_queue, queued_job):
    upstream.post_answers = [Answer(201, {"id": "late", "status": "queued"}, delay=2.5)]

    flow.submit_step(queued_job.id)
    flow.submit_step(queued_job.id)

    job = refreshed(queued_job)
    assert job.status == S.FAILED
    assert "may or may not have started it" in job.error
    assert len(upstream.posts()) == 1
    assert step_queue.steps() == []


def test_malformed_answer_to_submit_fails_the_job(upstream, queued_job):
    upstream.post_answers = [Answer(200, "<html>gateway</html>")]

    flow.submit_step(queued_job.id)

    job = refreshed(queued_job)
    assert job.status == S.FAILED
    assert "not JSON" in job.error


@pytest.fixture
def generating_job(upstream, step_queue, queued_job):
    flow.submit_step(queued_job.id)
    step_queue.clear()
    return refreshed(queued_job)


def test_working_upstream_status_is_recorded_and_polled_again_later(upstream, step_queue, generating_job):
    upstream.get_answers = [status("waiting")]

    flow.poll_step(generating_job.id, 0)

    assert refreshed(generating_job).upstream_status == "waiting"
    step = step_queue.last()
    assert (step.task, step.args) == ("poll", [str(generating_job.id), 1])


def test_poll_delay_doubles_and_stops_growing_at_the_maximum(upstream, step_queue, generating_job):
    upstream.get_answers = [status("generating")]

    for poll_number in range(5):
        flow.poll_step(generating_job.id, poll_number)

    countdowns = [round(step.countdown) for step in step_queue.steps()]
    assert countdowns == pytest.approx([2, 4, 8, 15, 15], abs=1)


def test_a_duplicate_poll_is_ignored(upstream, generating_job):
    upstream.get_answers = [status("generating")]

    flow.poll_step(generating_job.id, 0)
    flow.poll_step(generating_job.id, 0)

    assert len([r for r in upstream.requests if r[0] == "GET"]) == 1


def test_upstream_error_status_fails_the_job_with_its_reason(upstream, generating_job):
    upstream.get_answers = [status("error", error="the reference could not be decoded")]

    flow.poll_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert job.status == S.FAILED
    assert job.error == "The generator could not make this song: the reference could not be decoded"


def test_never_completing_job_fails_once_past_its_deadline(upstream, generating_job):
    upstream.get_answers = [status("generating")]
    Job.objects.filter(id=generating_job.id).update(deadline_at=timezone.now() - timedelta(seconds=1))

    flow.poll_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert job.status == S.FAILED
    assert job.error == "The generator did not finish within 10 minutes."


def test_server_error_while_polling_keeps_the_job_generating(upstream, step_queue, generating_job):
    upstream.get_answers = [Answer(502, "bad gateway")]

    flow.poll_step(generating_job.id, 0)

    assert refreshed(generating_job).status == S.GENERATING
    assert step_queue.last().task == "poll"


def test_completed_song_is_downloaded_measured_and_stored(upstream, generating_job):
    upstream.song_bytes = tone_mp3(21.0, channels=2)
    upstream.get_answers = [status("completed", audio_url=upstream.song_url)]

    flow.poll_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert job.status == S.COMPLETED
    assert job.song.name.startswith("songs/") and job.song.name.endswith(".mp3")
    assert job.song_duration == pytest.approx(21.0, abs=0.2)
    assert len(job.song_peaks) == 800
    with default_storage.open(job.song.name) as stored:
        assert soundfile.info(stored).duration == pytest.approx(21.0, abs=0.2)


def test_completed_without_audio_url_fails_as_malformed(upstream, generating_job):
    upstream.get_answers = [Answer(200, {"id": "gen-1", "status": "completed", "audio_file": None})]

    flow.poll_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert job.status == S.FAILED
    assert "gave no audio URL" in job.error


def test_a_song_that_is_not_audio_is_not_kept(upstream, generating_job):
    upstream.song_bytes = b"<html>expired link</html>"
    upstream.get_answers = [status("completed", audio_url=upstream.song_url)]

    flow.poll_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert job.status == S.FAILED
    assert job.error.startswith("The finished song could not be saved:")
    assert not job.song


def test_a_song_over_the_size_limit_is_not_kept(upstream, settings, generating_job):
    settings.MUSICGEN_SONG_MAX_MB = 0
    upstream.song_bytes = tone_mp3(16.0)
    upstream.get_answers = [status("completed", audio_url=upstream.song_url)]

    flow.poll_step(generating_job.id, 0)

    assert "larger than" in refreshed(generating_job).error


def test_cancelled_job_is_not_polled_again(upstream, generating_job):
    assert flow.job_cancel(generating_job, by=generating_job.owner)

    flow.poll_step(generating_job.id, 0)

    assert refreshed(generating_job).status == S.CANCELLED
    assert not [r for r in upstream.requests if r[0] == "GET"]


def test_a_song_that_cannot_be_fetched_is_tried_again_until_the_deadline(upstream, step_queue, generating_job):
    upstream.get_answers = [status("completed", audio_url="http://127.0.0.1:9/unreachable.mp3")]

    flow.poll_step(generating_job.id, 0)

    assert refreshed(generating_job).status == S.DOWNLOADING
    assert step_queue.last().task == "download"
    Job.objects.filter(id=generating_job.id).update(deadline_at=timezone.now() - timedelta(seconds=1))

    flow.download_step(generating_job.id)

    job = refreshed(generating_job)
    assert job.status == S.FAILED
    assert job.error.startswith("The finished song could not be saved: The song could not be fetched from the generator")
