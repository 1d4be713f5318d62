"""The core flow across every real part: the web app, PostgreSQL, Redis, the app worker, the engine
worker and the local generation service over HTTP. Run once on the filesystem storage and once on
S3 (`make test` runs this file a second time with MUSICGEN_STORAGE=s3 against moto in server mode).
"""

import time

import pytest
import requests
import soundfile
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from jobs.models import Job
from jobs.sharing import share_link_create
from localgen.keys import generation_key_create
from localgen.models import Generation
from plumbing.file_responses import storage_signs_urls
from tests.audio_samples import REFERENCE_SONG
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LYRICS = "##\nCity lights are calling me home\n\nSing it slow and sing it low\n##"


def wait_until_final(job, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_final:
            return job
        time.sleep(0.5)
    raise AssertionError(f"job still {job.status} ({job.upstream_status}) after {timeout} s")


@pytest.fixture
def app_key(celery_workers):
    return generation_key_create(name="app", plaintext=settings.MUSICGEN_API_KEY)


def test_reference_and_lyrics_become_a_song_the_team_can_hear(celery_workers, app_key, client):
    live_url = celery_workers.url
    owner = UserFactory(username="singer")
    client.force_login(owner)

    with REFERENCE_SONG.open("rb") as reference:
        response = client.post(reverse("jobs:new"), {"prompt": LYRICS, "reference_track": reference})
    job = Job.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert (job.reference_format, round(job.reference_duration)) == ("mp3", 60)

    job = wait_until_final(job)
    assert job.status == Job.Status.COMPLETED, job.error

    with default_storage.open(job.song.name) as song:
        assert soundfile.info(song).duration >= 20
    if storage_signs_urls():
        generation = Generation.objects.get()
        assert generation.reference_audio_url.startswith(settings.STORAGES["default"]["OPTIONS"]["endpoint_url"])

    history = client.get(reverse("jobs:history"))
    assert "City lights are calling me home" in history.content.decode()

    link, token = share_link_create(job=job, created_by=owner, expiry="7")
    anonymous = requests.Session()
    shared_page = anonymous.get(f"{live_url}/s/{token}/", timeout=10)
    assert shared_page.status_code == 200
    assert "Sing it slow and sing it low" in shared_page.text
    shared_audio = anonymous.get(f"{live_url}/s/{token}/audio/", headers={"Range": "bytes=0-1023"}, timeout=10)
    assert shared_audio.status_code == 206
    assert len(shared_audio.content) == 1024

    client.force_login(UserFactory(username="stranger"))
    assert client.get(job.get_absolute_url()).status_code == 404
    assert client.get(reverse("jobs:song_audio", args=[job.id])).status_code == 404
