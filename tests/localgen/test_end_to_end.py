"""The local generation service over real HTTP, with the real engine worker on queue "engine".

The reference is stored the way the app stores uploads and fetched through the app's signed
reference link, exactly as the app's submit step hands it to a generator.
"""

import ast
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import requests
import soundfile
from django.conf import settings as django_settings
from django.core.files import File

from jobs.files import reference_url_for_generator
from localgen.keys import generation_key_create
from tests.audio_samples import REFERENCE_SONG, SHORT_SUNG_CLIP
from tests.factories import JobFactory

pytestmark = pytest.mark.e2e
PROJECT_DIR = django_settings.BASE_DIR
RENDER_DEADLINE_SECONDS = 300


@pytest.fixture
def service_url(celery_workers):
    """The live server, which also serves the songs' links (tests/conftest.py points them at it)."""
    return celery_workers.url


@pytest.fixture
def api_key(service_url):
    return generation_key_create(name="app", plaintext=django_settings.MUSICGEN_API_KEY)[1]


def reference_url(path):
    with open(path, "rb") as recording:
        job = JobFactory(reference_track=File(recording, name=path.name))
    return reference_url_for_generator(job, valid_for=timedelta(minutes=30))


def wait_until_finished(service_url, api_key, generation_id):
    deadline = time.monotonic() + RENDER_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        answer = requests.get(
            f"{service_url}/v2/generate/audio",
            params={"generation_id": generation_id},
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=10,
        ).json()
        if answer["status"] not in ("queued", "generating"):
            return answer
        time.sleep(0.5)
    pytest.fail(f"generation {generation_id} did not finish within {RENDER_DEADLINE_SECONDS} s")


def test_the_hosted_example_client_gets_a_song_of_at_least_20_seconds(service_url, api_key, tmp_path):
    finished = subprocess.run(
        [sys.executable, "bench/example_client.py", "--base-url", service_url, "--key", api_key,
         "--reference-url", reference_url(REFERENCE_SONG), "--interval", "1", "--timeout", str(RENDER_DEADLINE_SECONDS)],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=RENDER_DEADLINE_SECONDS + 30,
    )  # fmt: skip

    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "Generation complete:" in finished.stdout
    answer = ast.literal_eval(finished.stdout.split("Generation complete:\n", 1)[1].strip())
    assert answer["status"] == "completed"
    song_path = tmp_path / "song.mp3"
    song_path.write_bytes(requests.get(answer["audio_file"]["url"], timeout=30).content)
    song = soundfile.info(str(song_path))
    assert song.duration >= 20
    assert (song.samplerate, song.channels) == (44100, 2)


def test_a_reference_of_15_seconds_or_less_ends_in_error_saying_how_long_it_is(service_url, api_key):
    started = requests.post(
        f"{service_url}/v2/generate/audio",
        json={
            "model": "minimax-music",
            "prompt": "One short line",
            "reference_audio_url": reference_url(SHORT_SUNG_CLIP),
        },
        headers={"Authorization": f"Bearer {api_key}"},
        timeout=10,
    )
    assert started.status_code == 201

    answer = wait_until_finished(service_url, api_key, started.json()["id"])

    assert answer["status"] == "error"
    assert answer["audio_file"] is None
    assert "10.0 s" in answer["error"]
