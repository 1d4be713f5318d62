import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jobs.models import Job, ShareLink
from teams.models import Team
from tests.audio_samples import tone_wav
from tests.factories import JobFactory
from tests.web.job_data import create_many_jobs, make_completed

JOBS = reverse("api:jobs")
LYRICS = "##\nWalking down the river\n\nSinging all night long\n##"


def job_url(name, job):
    return reverse(f"api:{name}", args=[job.id])


def wav(seconds):
    return SimpleUploadedFile("demo.wav", tone_wav(seconds), content_type="audio/wav")


@pytest.fixture
def completed_job(owner):
    return make_completed(JobFactory(owner=owner, prompt="Sunlight on the water"))


def test_create_answers_201_with_the_job_and_its_urls(owner_api, owner):
    response = owner_api.post(JOBS, {"reference_track": wav(16.0), "prompt": LYRICS})
    assert response.status_code == 201
    body = response.json()
    job = Job.objects.get(owner=owner)
    assert body["id"] == str(job.id) and body["status"] == "queued" and body["status_words"] == "Queued"
    assert body["page_url"].endswith(job.get_absolute_url())
    assert body["audio_url"] is None and body["download_url"] is None


def test_create_into_a_team_chosen_by_name(teammate_api, teammate, owner):
    response = teammate_api.post(JOBS, {"reference_track": wav(16.0), "prompt": LYRICS, "team": "owner"})
    assert response.status_code == 201
    assert Job.objects.get(owner=teammate).team == Team.objects.get(name="owner")


def test_create_rejects_with_the_forms_own_sentences_per_field(owner_api):
    response = owner_api.post(JOBS, {"reference_track": wav(10.0), "prompt": ""})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "10.0 s long; the reference must be longer than 15 s" in errors["reference_track"][0]
    assert errors["prompt"] == ["Write the lyrics to sing: the prompt is empty."]
    assert not Job.objects.exists()


def test_create_in_a_team_the_person_is_not_in_is_refused(outsider_api, owner):
    response = outsider_api.post(JOBS, {"reference_track": wav(16.0), "prompt": LYRICS, "team": "owner"})
    assert response.status_code == 400
    assert "You are not in a team of that id or name" in response.json()["errors"]["team"][0]


def test_list_shows_the_teams_jobs_paginated_and_filtered(teammate_api, owner, completed_job):
    JobFactory(owner=owner, prompt="Still waiting")
    body = teammate_api.get(JOBS, {"status": "completed"}).json()
    assert body["count"] == 1
    assert body["results"][0]["title"] == "Sunlight on the water"
    assert body["results"][0]["made_by"] == "owner"


def test_list_by_an_unknown_team_says_so(owner_api):
    response = owner_api.get(JOBS, {"team": "nobody's"})
    assert response.status_code == 400


def test_list_by_a_unicode_digit_team_is_an_unknown_team_not_a_crash(owner_api):
    response = owner_api.get(JOBS, {"team": "²"})
    assert response.status_code == 400
    assert "You are not in a team of that id or name" in response.json()["errors"]["team"][0]


def test_create_in_a_unicode_digit_team_is_an_unknown_team_not_a_crash(owner_api):
    response = owner_api.post(JOBS, {"reference_track": wav(16.0), "prompt": LYRICS, "team": "²"})
    assert response.status_code == 400
    assert "You are not in a team of that id or name" in response.json()["errors"]["team"][0]


def test_a_completed_job_has_song_urls_that_work_with_the_same_token(owner_api, completed_job):
    body = owner_api.get(job_url("job", completed_job)).json()
    assert body["steps"] == [] and body["status_words"] == "Completed"
    song = owner_api.get(body["audio_url"], HTTP_RANGE="bytes=0-99")
    assert song.status_code == 206
    download = owner_api.get(body["download_url"])
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]


def test_outsiders_get_404_with_a_sentence(outsider_api, completed_job):
    response = outsider_api.get(job_url("job", completed_job))
    assert response.status_code == 404
    assert "nothing of that id that you can see" in response.json()["detail"]


def test_cancel_and_retry_follow_the_flow(owner_api, owner):
    job = JobFactory(owner=owner)
    assert owner_api.post(job_url("job_cancel", job)).json()["status"] == "cancelled"
    assert owner_api.post(job_url("job_retry", job)).json()["status"] == "queued"


def test_cancelling_a_finished_job_answers_409_with_where_it_is(owner_api, completed_job):
    response = owner_api.post(job_url("job_cancel", completed_job))
    assert response.status_code == 409
    assert response.json()["detail"] == "This job could not be cancelled: it is completed now."


def test_a_teammate_cannot_cancel_the_owners_job(teammate_api, owner):
    job = JobFactory(owner=owner)
    response = teammate_api.post(job_url("job_cancel", job))
    assert response.status_code == 403
    assert "Only the person who made this song or a team admin" in response.json()["detail"]


def test_share_answers_an_absolute_link_that_plays_and_revoke_stops_it(owner_api, completed_job):
    response = owner_api.post(job_url("share_links", completed_job), {"expiry": "7"})
    assert response.status_code == 201
    link = response.json()
    assert link["url"].startswith("http://testserver/s/")
    assert Client().get(link["url"]).status_code == 200
    assert owner_api.delete(reverse("api:share_link", args=[link["id"]])).status_code == 204
    assert Client().get(link["url"]).status_code == 404


def test_a_teammate_may_share_but_not_revoke(teammate_api, owner_api, completed_job):
    link = teammate_api.post(job_url("share_links", completed_job)).json()
    assert teammate_api.delete(reverse("api:share_link", args=[link["id"]])).status_code == 403
    assert ShareLink.objects.filter(id=link["id"]).exists()


def test_delete_removes_a_finished_job(owner_api, completed_job):
    assert owner_api.delete(job_url("job", completed_job)).status_code == 204
    assert not Job.objects.exists()


def test_teams_lists_the_persons_teams_with_roles(teammate_api):
    assert sorted((team["name"], team["role"]) for team in teammate_api.get(reverse("api:teams")).json()) == [
        ("owner", "member"),
        ("teammate", "admin"),
    ]


def test_the_job_list_costs_the_same_queries_for_few_or_many_jobs(owner_api, owner):
    create_many_jobs(owner, 3)
    owner_api.get(JOBS)  # the token's first use records when it was used; later ones within a minute do not
    with CaptureQueriesContext(connection) as few:
        owner_api.get(JOBS)
    create_many_jobs(owner, 40)
    with CaptureQueriesContext(connection) as many:
        assert len(owner_api.get(JOBS).json()["results"]) == 25
    assert len(many) == len(few) == 5  # token, teams (the scope choices), count, page, the page's steps
