"""The newer models end to end across every real part (web app, app worker, engine worker, the local
service over HTTP): a music-cover of the real reference, and music-2.6 from a style and tagged
lyrics, once sung and once instrumental, each ending in a song that decodes.
"""

import pytest
import soundfile
from django.core.files.storage import default_storage
from django.urls import reverse

from jobs.models import Job
from tests.audio_samples import REFERENCE_SONG
from tests.e2e.test_core_flow import app_key, wait_until_final  # noqa: F401 - app_key: a fixture
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TAGGED = "[Intro]\n[Verse]\nCity lights are calling me home\n[Chorus]\nSing it slow\n[Outro]"


def made_song(client, fields, files=None):
    owner = UserFactory(username="singer")
    client.force_login(owner)
    response = client.post(reverse("jobs:new"), {**fields, **(files or {})})
    assert response.status_code == 302, response.content.decode()[-2000:]
    job = wait_until_final(Job.objects.get(owner=owner))
    assert job.status == Job.Status.COMPLETED, job.error
    return job


def decoded(job):
    with default_storage.open(job.song.name) as song:
        return soundfile.info(song)


def test_a_cover_restyles_the_reference_with_new_lyrics(celery_workers, app_key, client):  # noqa: F811
    with REFERENCE_SONG.open("rb") as reference:
        job = made_song(
            client,
            {"model": "minimax/music-cover", "style": "slow acoustic ballad, female vocal", "prompt": TAGGED},
            {"reference_track": reference},
        )

    info = decoded(job)
    assert info.format == "MP3"
    assert info.duration >= 10


def test_music_2_6_sings_tagged_lyrics_in_a_style_without_a_reference(celery_workers, app_key, client):  # noqa: F811
    job = made_song(client, {"model": "minimax/music-2.6", "style": "upbeat dance pop, 120 bpm", "prompt": TAGGED})

    assert not job.reference_track
    assert decoded(job).duration >= 5


def test_music_2_6_makes_an_instrumental_in_the_asked_format(celery_workers, app_key, client):  # noqa: F811
    job = made_song(
        client,
        {
            "model": "minimax/music-2.6",
            "style": "calm piano, 80 bpm",
            "is_instrumental": "on",
            "audio_format": "wav",
            "sample_rate": "24000",
        },
    )

    info = decoded(job)
    assert (info.format, info.samplerate) == ("WAV", 24000)
    assert job.song.name.endswith(".wav")
