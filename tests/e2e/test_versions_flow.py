"""Versions across every real part: one upload, two jobs generated separately by the local service
(a different seed each), one stored reference that outlives the first version's deletion."""

import pytest
from django.core.files.storage import default_storage

from jobs.models import Job
from tests.audio_samples import REFERENCE_SONG
from tests.e2e.test_api_flow import poll_until_final, script_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LYRICS = "Two roads across the valley\nOne of them leads home"


def test_two_versions_are_two_different_songs_from_one_stored_reference(celery_workers):
    live_url = celery_workers.url
    api = script_session("versions")

    with REFERENCE_SONG.open("rb") as reference:
        created = api.post(
            f"{live_url}/api/jobs/",
            files={"reference_track": reference},
            data={"prompt": LYRICS, "versions": "2"},
            timeout=60,
        )
    assert created.status_code == 201, created.text
    version_urls = [version["url"] for version in created.json()["versions"]]
    finished = [poll_until_final(api, url) for url in version_urls]
    assert [job["status"] for job in finished] == ["completed", "completed"], [job["error"] for job in finished]

    first, second = (Job.objects.get(id=job["id"]) for job in finished)
    assert first.generation_id != second.generation_id  # each version was its own generation
    songs = [api.get(job["download_url"], timeout=30).content for job in finished]
    assert songs[0] != songs[1]  # the local service's seed comes from the generation id
    assert first.reference_track.name == second.reference_track.name

    assert api.delete(version_urls[0], timeout=10).status_code == 204
    assert default_storage.exists(second.reference_track.name)
    assert api.get(finished[1]["download_url"], timeout=30).status_code == 200
    assert api.delete(version_urls[1], timeout=10).status_code == 204
    assert not default_storage.exists(second.reference_track.name)
