"""Timed lyrics and stems across every real part: the engine worker sings and times the lines, the
local service stores and offers the stems, the app worker brings all of it into the job, and the
pages serve it. Runs on the filesystem storage and, with MUSICGEN_STORAGE=s3, on S3."""

import io

import pytest
import requests
import soundfile
from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from jobs import services
from jobs.models import Job
from jobs.sharing import share_link_create
from localgen.keys import generation_key_create
from tests.audio_samples import REFERENCE_SONG
from tests.e2e.test_core_flow import wait_until_final
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LYRICS = "##\nCity lights are calling me home\n\nSing it slow and sing it low\n##"


@pytest.fixture
def app_key(celery_workers):
    return generation_key_create(name="app", plaintext=settings.MUSICGEN_API_KEY)


def test_a_local_song_arrives_with_its_lines_timed_and_both_stems_which_deleting_removes(
    celery_workers, app_key, client
):
    owner = UserFactory(username="singer")
    client.force_login(owner)
    with REFERENCE_SONG.open("rb") as reference:
        client.post(reverse("jobs:new"), {"prompt": LYRICS, "reference_track": reference})

    job = wait_until_final(Job.objects.get(owner=owner))

    assert job.status == Job.Status.COMPLETED, job.error
    assert [line["text"] for line in job.lyrics_timing] == [
        "City lights are calling me home",
        "Sing it slow and sing it low",
    ]
    assert 0 < job.lyrics_timing[0]["start"] < job.lyrics_timing[0]["end"] <= job.lyrics_timing[1]["start"]
    assert job.lyrics_timing[1]["end"] < job.song_duration
    for stem in (job.vocals_stem, job.instrumental_stem):
        with default_storage.open(stem.name) as stored:
            info = soundfile.info(stored)
        assert (info.format, round(info.duration)) == ("MP3", round(job.song_duration))

    _, token = share_link_create(job=job, created_by=owner)
    anonymous = requests.Session()
    lrc = anonymous.get(f"{celery_workers.url}/s/{token}/lyrics.lrc", timeout=10)
    assert lrc.text.splitlines()[1].endswith("]City lights are calling me home")
    vocals = anonymous.get(f"{celery_workers.url}/s/{token}/stems/vocals/", timeout=10)
    assert vocals.status_code == 200
    assert soundfile.info(io.BytesIO(vocals.content)).duration == pytest.approx(job.song_duration, abs=1.0)

    services.job_delete(job=job)

    for stored in (job.song, job.vocals_stem, job.instrumental_stem):
        assert not default_storage.exists(stored.name)
