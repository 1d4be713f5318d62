"""New songs per person per hour, and a team's storage quota: the page and the API refuse alike."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from tests.api.conftest import token_client
from tests.audio_samples import tone_wav
from tests.factories import JobFactory
from tests.web.job_data import create_many_jobs

LYRICS = "Walking down the river\nSinging all night long"


def new_song(seconds=16.0):
    return {"prompt": LYRICS, "reference_track": SimpleUploadedFile("demo.wav", tone_wav(seconds))}


def test_the_page_refuses_a_new_song_past_the_hourly_limit_with_a_sentence(owner_client, owner, settings):
    settings.MUSICGEN_JOBS_PER_HOUR = 2
    JobFactory(owner=owner, created_at=timezone.now() - timedelta(minutes=50))
    JobFactory(owner=owner, created_at=timezone.now() - timedelta(minutes=5))
    page = owner_client.post(reverse("jobs:new"), new_song()).content.decode()
    assert "You have started 2 songs in the last hour, the most allowed" in page
    assert "in 10 minutes" in page
    assert Job.objects.count() == 2


def test_the_api_answers_429_with_retry_after_past_the_hourly_limit(owner, settings):
    settings.MUSICGEN_JOBS_PER_HOUR = 1
    JobFactory(owner=owner, created_at=timezone.now() - timedelta(minutes=30))
    response = token_client(owner).post(reverse("api:jobs"), new_song())
    assert response.status_code == 429
    assert 1700 <= int(response["Retry-After"]) <= 1800
    assert "the most allowed" in response.json()["detail"]


def test_jobs_older_than_an_hour_do_not_count(owner_client, owner, settings):
    settings.MUSICGEN_JOBS_PER_HOUR = 1
    JobFactory(owner=owner, created_at=timezone.now() - timedelta(minutes=61))
    owner_client.post(reverse("jobs:new"), new_song())
    assert Job.objects.count() == 2


def test_an_upload_past_the_teams_storage_quota_is_refused(owner_client, owner, settings):
    settings.MUSICGEN_TEAM_STORAGE_QUOTA_MB = 1
    create_many_jobs(owner, 1, completed_every=0, reference_size=900_000)
    page = owner_client.post(reverse("jobs:new"), new_song()).content.decode()
    assert "Team owner has used 0.9 MB of its 1 MB of storage, so this upload does not fit" in page
    assert Job.objects.count() == 1


def test_the_quota_refusal_is_a_team_field_error_on_the_api(owner, settings):
    settings.MUSICGEN_TEAM_STORAGE_QUOTA_MB = 1
    create_many_jobs(owner, 1, completed_every=0, reference_size=900_000)
    response = token_client(owner).post(reverse("api:jobs"), new_song())
    assert response.status_code == 400
    assert "does not fit" in response.json()["errors"]["team"][0]
