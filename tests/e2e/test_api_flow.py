"""The JSON API across every real part, as a script would use it: over HTTP with a personal token,
against the web app, the app worker, the engine worker and the local generation service."""

import time

import pytest
import requests
from django.conf import settings
from django.core.files.storage import default_storage

from api.tokens import api_token_create
from jobs.models import Job
from localgen.keys import generation_key_create
from tests.audio_samples import REFERENCE_SONG
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LYRICS = "Paper boats upon the river\nCarry all my words away"


def poll_until_final(api, url, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = api.get(url, timeout=10).json()
        if job["status"] in ("completed", "failed", "cancelled"):
            return job
        time.sleep(1)
    raise AssertionError(f"job still {job['status']} after {timeout} s")


def script_session(username):
    """A script's HTTP session with a personal token of a new person, and the app's key to the local service."""
    generation_key_create(name="app", plaintext=settings.MUSICGEN_API_KEY)
    _, token = api_token_create(user=UserFactory(username=username), name="e2e")
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    return api


def test_a_script_creates_polls_downloads_shares_revokes_and_deletes_with_a_token(celery_workers):
    live_url = celery_workers.url
    api = script_session("scripter")

    with REFERENCE_SONG.open("rb") as reference:
        created = api.post(
            f"{live_url}/api/jobs/", files={"reference_track": reference}, data={"prompt": LYRICS}, timeout=60
        )
    assert created.status_code == 201, created.text
    job_url = f"{live_url}/api/jobs/{created.json()['id']}/"

    job = poll_until_final(api, job_url)
    assert job["status"] == "completed", job["error"]
    assert [step["to_status"] for step in job["steps"]][-1] == "completed"

    download = api.get(job["download_url"], timeout=30)
    assert download.status_code == 200 and len(download.content) > 10_000
    assert "attachment" in download.headers["Content-Disposition"]

    share = api.post(f"{job_url}share-links/", data={"expiry": "1"}, timeout=10).json()
    anonymous = requests.Session()
    assert anonymous.get(share["url"], timeout=10).status_code == 200
    assert api.delete(f"{live_url}/api/share-links/{share['id']}/", timeout=10).status_code == 204
    assert anonymous.get(share["url"], timeout=10).status_code == 404

    stored = Job.objects.get(id=job["id"])
    files = [stored.reference_track.name, stored.song.name]
    assert api.delete(job_url, timeout=10).status_code == 204
    assert api.get(job_url, timeout=10).status_code == 404
    assert not any(default_storage.exists(name) for name in files)
