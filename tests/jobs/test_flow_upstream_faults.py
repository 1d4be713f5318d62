"""How a job moves when the music API misbehaves, against a scripted API over real HTTP.

Each step is run the way a worker runs it; the steps it schedules land in a Redis queue no worker
reads, so the tests can see what would run next and when.
"""

import json
import socket
from datetime import timedelta

import pytest
import soundfile
from django.core.files.storage import default_storage
from django.utils import timezone

from jobs import flow
from jobs.models import Job
from tests.audio_samples import tone_mp3
from tests.fake_upstream import Answer, accepted, status
from tests.file_server import announced, trickle

S = Job.Status


def refreshed(job):
    job.refresh_from_db()
    return job


def test_submit_sends_model_prompt_and_a_fetchable_reference_url_with_the_key(upstream, queued_job):
    flow.submit_step(queued_job.id)

    ((method, path, headers, body),) = upstream.posts()
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


def test_poll_delay_doubles_and_stops_growing_at_the_maximum(upstream, step_queue, generating_job, settings):
    settings.MUSICGEN_POLL_LEARN_FROM = 0  # the fixed backoff, whatever jobs of other tests left to learn from
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
    step = step_queue.last()
    assert (step.task, step.args) == ("download", [str(generating_job.id), 1])
    Job.objects.filter(id=generating_job.id).update(deadline_at=timezone.now() - timedelta(seconds=1))

    flow.download_step(generating_job.id, 1)

    job = refreshed(generating_job)
    assert job.status == S.FAILED
    assert job.error.startswith(
        "The finished song could not be saved: The song could not be fetched from the generator"
    )


def test_a_song_trickling_in_past_the_download_deadline_is_tried_again(
    upstream, step_queue, settings, file_server, generating_job
):
    settings.MUSICGEN_SONG_DOWNLOAD_TIMEOUT = 1
    song_url = file_server.route("/song.mp3", trickle(100, every_seconds=0.5))
    upstream.get_answers = [status("completed", audio_url=song_url)]

    flow.poll_step(generating_job.id, 0)

    assert refreshed(generating_job).status == S.DOWNLOADING
    assert step_queue.last().task == "download"


def test_a_song_link_answering_404_fails_the_job_without_trying_again(
    upstream, step_queue, file_server, generating_job
):
    upstream.get_answers = [status("completed", audio_url=file_server.url + "/expired.mp3")]

    flow.poll_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert job.status == S.FAILED
    assert "HTTP 404" in job.error
    assert [step.task for step in step_queue.steps()] == []


def test_a_song_cut_off_before_its_end_is_tried_again(upstream, step_queue, file_server, generating_job):
    song_url = file_server.route("/song.mp3", announced(100_000, tone_mp3(16.0)[:5000]))
    upstream.get_answers = [status("completed", audio_url=song_url)]

    flow.poll_step(generating_job.id, 0)

    assert refreshed(generating_job).status == S.DOWNLOADING
    assert step_queue.last().task == "download"


# --- connections that break ---------------------------------------------------------------------


def closed_port_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def test_a_connection_cut_after_the_submit_was_sent_fails_without_sending_again(upstream, step_queue, queued_job):
    upstream.post_answers = [Answer(hang_up=True)]

    flow.submit_step(queued_job.id)
    flow.submit_step(queued_job.id)

    job = refreshed(queued_job)
    assert job.status == S.FAILED
    assert "may or may not have started it" in job.error
    assert len(upstream.posts()) == 1
    assert step_queue.steps() == []


def test_a_refused_connection_on_submit_is_tried_again_later(upstream, settings, step_queue, queued_job):
    settings.MUSICGEN_API_BASE_URL = closed_port_url()

    flow.submit_step(queued_job.id)

    job = refreshed(queued_job)
    assert job.status == S.QUEUED
    assert job.events.last().note.startswith("The generator could not be reached (the connection was refused).")
    assert step_queue.last().task == "submit"


def test_a_connection_cut_while_polling_is_polled_again(upstream, step_queue, generating_job):
    upstream.get_answers = [Answer(hang_up=True)]

    flow.poll_step(generating_job.id, 0)

    assert refreshed(generating_job).status == S.GENERATING
    step = step_queue.last()
    assert (step.task, step.args) == ("poll", [str(generating_job.id), 1])


def test_a_rate_limited_submit_is_not_sent_again_by_the_reconciler_before_its_retry_after(
    upstream, step_queue, settings, queued_job
):
    settings.MUSICGEN_STALE_AFTER_SECONDS = 0  # every job counts as stale: only the due time holds it back
    upstream.post_answers = [Answer(429, {"error": "slow down"}, {"Retry-After": "600"})]
    flow.submit_step(queued_job.id)
    step_queue.clear()

    flow.reconcile()

    assert step_queue.steps() == []
    assert refreshed(queued_job).next_attempt_at > timezone.now() + timedelta(minutes=9)


# --- saving the finished song -------------------------------------------------------------------


@pytest.fixture
def completed_upstream(upstream):
    upstream.song_bytes = tone_mp3(16.0)
    upstream.get_answers = [status("completed", audio_url=upstream.song_url)]
    return upstream


def download_until_it_ends(job, step_queue):
    """Run the download steps the flow schedules, as the worker would, until none is left."""
    while True:
        steps = [step for step in step_queue.steps() if step.task == "download"]
        step_queue.clear()
        if not steps:
            return refreshed(job)
        flow.download_step(*steps[-1].args)


def use_storage(settings, backend):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend}}


def test_a_full_disk_while_saving_the_song_fails_the_job_with_a_sentence_after_the_allowed_tries(
    completed_upstream, step_queue, settings, generating_job
):
    use_storage(settings, "tests.broken_storage.FullDiskStorage")

    flow.poll_step(generating_job.id, 0)
    job = download_until_it_ends(generating_job, step_queue)

    assert job.status == S.FAILED
    assert job.download_tries == settings.MUSICGEN_DOWNLOAD_MAX_ATTEMPTS
    assert job.error == (
        "The finished song could not be saved: the server's storage is full; whoever runs musicgen must free "
        "some space. Gave up after 3 tries; retry the job."
    )


def test_a_storage_error_while_saving_the_song_fails_the_job_without_the_storages_words(
    completed_upstream, step_queue, settings, generating_job
):
    use_storage(settings, "tests.broken_storage.FailingStorage")

    flow.poll_step(generating_job.id, 0)
    job = download_until_it_ends(generating_job, step_queue)

    assert job.status == S.FAILED
    assert "failed unexpectedly; the error has been logged" in job.error
    assert "AccessDenied" not in job.error


def test_a_truncated_song_fails_the_job_with_a_sentence_after_the_allowed_tries(
    completed_upstream, step_queue, generating_job
):
    song = tone_mp3(16.0)
    completed_upstream.song_answer = Answer(200, song[: len(song) // 2], content_length=len(song))

    flow.poll_step(generating_job.id, 0)
    job = download_until_it_ends(generating_job, step_queue)

    assert job.status == S.FAILED
    assert job.error.startswith("The finished song could not be saved:")
    assert job.download_tries == 3


def test_a_download_whose_workers_keep_dying_is_failed_once_its_tries_are_used_up(
    upstream, step_queue, settings, generating_job
):
    # Each claim that no worker finished is a try used up: the reconciler sends the next one.
    Job.objects.filter(id=generating_job.id).update(
        status=S.DOWNLOADING, download_tries=settings.MUSICGEN_DOWNLOAD_MAX_ATTEMPTS
    )

    flow.download_step(generating_job.id, settings.MUSICGEN_DOWNLOAD_MAX_ATTEMPTS)

    job = refreshed(generating_job)
    assert job.status == S.FAILED
    assert job.error == "The finished song could not be saved: the worker saving it stopped 3 times. Retry the job."
    assert [r for r in upstream.requests if r[0] == "GET"] == []


def test_a_download_claimed_by_another_worker_is_left_to_it(upstream, generating_job):
    Job.objects.filter(id=generating_job.id).update(status=S.DOWNLOADING, download_tries=1)

    flow.download_step(generating_job.id, 0)

    job = refreshed(generating_job)
    assert (job.status, job.download_tries) == (S.DOWNLOADING, 1)
    assert [r for r in upstream.requests if r[0] == "GET"] == []
