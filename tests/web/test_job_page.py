from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job, JobEvent
from tests.factories import JobFactory
from tests.web.job_data import make_completed


def url(name, job):
    return reverse(f"jobs:{name}", args=[job.id])


TEAM_GETS = ["detail", "status", "reference_audio"]
SONG_GETS = ["song_audio", "song_download"]


@pytest.mark.parametrize("view", TEAM_GETS)
def test_owner_opens_the_job_views(owner_client, queued_job, view):
    assert owner_client.get(url(view, queued_job)).status_code == 200


@pytest.mark.parametrize("view", TEAM_GETS + SONG_GETS)
def test_teammates_open_the_job_views_and_the_song(teammate_client, completed_job, view):
    assert teammate_client.get(url(view, completed_job)).status_code == 200


@pytest.mark.parametrize("view", TEAM_GETS + SONG_GETS)
def test_outsiders_get_404_for_another_teams_job(outsider_client, completed_job, view):
    assert outsider_client.get(url(view, completed_job)).status_code == 404


@pytest.mark.parametrize("view", ["cancel", "retry", "share_create", "delete"])
def test_outsiders_cannot_act_on_another_teams_job(outsider_client, completed_job, view):
    assert outsider_client.post(url(view, completed_job)).status_code == 404


@pytest.mark.parametrize("view", ["cancel", "retry", "delete"])
def test_teammates_who_are_not_admins_cannot_manage_the_owners_job(teammate_client, owner, view):
    job = JobFactory(owner=owner, status=Job.Status.FAILED if view != "cancel" else Job.Status.QUEUED)
    assert teammate_client.post(url(view, job)).status_code == 403
    assert Job.objects.get(id=job.id).status == job.status


def test_teammates_see_no_cancel_button_on_the_owners_job(teammate_client, owner_client, queued_job):
    assert url("cancel", queued_job) not in teammate_client.get(url("detail", queued_job)).content.decode()
    assert url("cancel", queued_job) in owner_client.get(url("detail", queued_job)).content.decode()


def test_a_team_admin_cancels_a_teammates_job(team_admin_client, queued_job):
    team_admin_client.post(url("cancel", queued_job))
    assert Job.objects.get(id=queued_job.id).status == Job.Status.CANCELLED


@pytest.mark.django_db
def test_anonymous_people_are_sent_to_log_in(client, queued_job):
    assert client.get(url("detail", queued_job))["Location"].startswith(reverse("login"))


def test_job_page_shows_lyrics_reference_status_and_events(owner_client, queued_job):
    JobEvent.objects.create(job=queued_job, attempt=1, to_status="queued", note="Uploaded.")
    page = owner_client.get(url("detail", queued_job)).content.decode()
    assert "Second line" in page
    assert "my reference.wav" in page
    assert url("reference_audio", queued_job) in page
    assert "Waiting for a worker" in page
    assert "Uploaded." in page


def test_job_page_keeps_errors_of_earlier_attempts(owner_client, owner):
    job = JobFactory(owner=owner, status=Job.Status.QUEUED, attempt=2)
    JobEvent.objects.create(
        job=job, attempt=1, from_status="generating", to_status="failed", note="The generator timed out."
    )
    JobEvent.objects.create(job=job, attempt=2, from_status="failed", to_status="queued", note="Retried by the owner.")
    page = owner_client.get(url("detail", job)).content.decode()
    assert "The generator timed out." in page and "attempt 2" in page


def test_moving_job_status_fragment_polls_every_two_seconds(owner_client, queued_job):
    fragment = owner_client.get(url("status", queued_job)).content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    assert "<html" not in fragment


@pytest.mark.parametrize(
    "status, upstream_status, words",
    [
        ("queued", "", "Waiting for a worker."),
        ("submitting", "", "Sent to the generator"),
        ("generating", "running", "Generating. The generator says: running."),
        ("downloading", "completed", "Saving the song."),
    ],
)
def test_status_fragment_says_the_step_in_words(owner_client, owner, status, upstream_status, words):
    job = JobFactory(owner=owner, status=status, upstream_status=upstream_status)
    fragment = owner_client.get(url("status", job)).content.decode()
    assert words in fragment
    assert 'aria-current="step"' in fragment


def test_queued_job_says_how_many_jobs_are_ahead(owner_client, owner, outsider):
    earlier = timezone.now() - timedelta(minutes=5)
    JobFactory(owner=outsider, created_at=earlier)
    JobFactory(owner=owner, created_at=earlier)
    JobFactory(owner=owner, created_at=earlier, status=Job.Status.GENERATING)  # not waiting any more
    job = JobFactory(owner=owner)
    assert "2 songs ahead of yours." in owner_client.get(url("status", job)).content.decode()


def test_first_queued_job_is_next(owner_client, queued_job):
    assert "Yours is next." in owner_client.get(url("status", queued_job)).content.decode()


def test_failed_job_shows_the_reason_and_a_retry_button_and_stops_polling(owner_client, owner):
    job = JobFactory(owner=owner, status=Job.Status.FAILED, error="The generator rejected the reference.")
    fragment = owner_client.get(url("status", job)).content.decode()
    assert "badge-failed" in fragment and "The generator rejected the reference." in fragment
    assert url("retry", job) in fragment
    assert url("cancel", job) not in fragment
    assert "hx-trigger" not in fragment


def test_cancel_button_only_while_cancellable(owner_client, owner):
    assert url("cancel", JobFactory(owner=owner)) in owner_client.get(url("status", Job.objects.get())).content.decode()
    submitting = JobFactory(owner=owner, status=Job.Status.SUBMITTING)
    assert url("cancel", submitting) not in owner_client.get(url("status", submitting)).content.decode()


def test_polled_job_that_finished_swaps_in_the_whole_job_with_the_player(owner_client, completed_job):
    response = owner_client.get(url("status", completed_job), headers={"HX-Request": "true"})
    assert response["HX-Retarget"] == "#job-body"
    assert "job-finished" in response["HX-Trigger"]
    page = response.content.decode()
    assert 'id="waveform"' in page and url("song_audio", completed_job) in page


def test_owner_cancels_a_queued_job(owner_client, queued_job):
    response = owner_client.post(url("cancel", queued_job))
    assert response["Location"] == url("detail", queued_job)
    queued_job.refresh_from_db()
    assert queued_job.status == Job.Status.CANCELLED


def test_cancel_of_a_job_that_moved_on_says_why(owner_client, completed_job):
    response = owner_client.post(url("cancel", completed_job), follow=True)
    assert "This job could not be cancelled: it is completed now." in response.content.decode()


def test_owner_retries_a_failed_job(owner_client, owner, django_capture_on_commit_callbacks):
    job = JobFactory(owner=owner, status=Job.Status.FAILED, error="Boom.")
    with django_capture_on_commit_callbacks(execute=False):
        owner_client.post(url("retry", job))
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempt == 2


def test_actions_need_post(owner_client, queued_job):
    assert owner_client.get(url("cancel", queued_job)).status_code == 405


def test_completed_job_page_has_player_download_reuse_and_share(owner_client, completed_job):
    page = owner_client.get(url("detail", completed_job)).content.decode()
    assert 'id="song-peaks"' in page and 'data-duration="3.000000"' in page
    assert url("song_download", completed_job) in page
    assert f"{reverse('jobs:new')}?from={completed_job.id}" in page
    assert url("share_create", completed_job) in page


def test_song_of_an_unfinished_job_is_404(owner_client, queued_job):
    assert owner_client.get(url("song_audio", queued_job)).status_code == 404


def test_song_is_served_whole_with_accept_ranges(owner_client, completed_job):
    response = owner_client.get(url("song_audio", completed_job))
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
    assert int(response["Content-Length"]) == completed_job.song.size
    assert response["Content-Type"] == "audio/mpeg"


def test_song_range_request_answers_206_with_content_range(owner_client, completed_job):
    size = completed_job.song.size
    response = owner_client.get(url("song_audio", completed_job), headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{size}"
    assert len(b"".join(response.streaming_content)) == 100


def test_song_range_past_the_end_answers_416(owner_client, completed_job):
    size = completed_job.song.size
    response = owner_client.get(url("song_audio", completed_job), headers={"Range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{size}"


def test_download_is_an_attachment_named_after_the_first_lyric_line(owner_client, completed_job):
    response = owner_client.get(url("song_download", completed_job))
    assert response["Content-Disposition"].startswith('attachment; filename="Sunlight on the water.mp3"')


def test_download_name_drops_characters_file_systems_refuse(owner_client, owner):
    job = make_completed(JobFactory(owner=owner, prompt='What/is "this"?: a song'))
    response = owner_client.get(url("song_download", job))
    assert 'filename="What is this a song.mp3"' in response["Content-Disposition"]


def test_reference_is_served_to_its_owner_with_ranges(owner_client, queued_job):
    response = owner_client.get(url("reference_audio", queued_job), headers={"Range": "bytes=0-43"})
    assert response.status_code == 206
    assert b"".join(response.streaming_content)[:4] == b"RIFF"


def test_the_cancel_step_names_who_cancelled(team_admin_client, queued_job):
    team_admin_client.post(url("cancel", queued_job))
    assert queued_job.events.get(to_status="cancelled").note == "Cancelled by team_admin."
