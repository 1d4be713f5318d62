"""POST /v2/analyze/audio: the local service says what the engine hears in a reference."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.audio_samples import REFERENCE_SONG
from tests.localgen.conftest import bearer

URL = "/v2/analyze/audio"


def test_analysis_needs_an_api_key(client, db):
    assert reverse("localgen:analyze_audio") == URL
    assert client.post(URL).status_code == 401


def test_analysis_without_a_file_names_the_missing_field(client, app_key):
    response = client.post(URL, headers=bearer(app_key[1]))

    assert response.status_code == 422
    assert response.json()["error"].startswith("reference is required")


def test_analysis_of_a_real_song_gives_its_tempo_and_key(client, app_key):
    with REFERENCE_SONG.open("rb") as reference:
        response = client.post(URL, {"reference": reference}, headers=bearer(app_key[1]))

    assert response.status_code == 200
    analysis = response.json()
    assert analysis["duration"] == pytest.approx(60.0, abs=0.2)
    assert 60 <= analysis["tempo"] <= 200
    assert analysis["key"].split()[1] in ("major", "minor")
    assert analysis["vocals_found"] is True


def test_analysis_of_something_that_is_not_audio_says_so(client, app_key):
    text_file = SimpleUploadedFile("notes.txt", b"just some text, not a recording")

    response = client.post(URL, {"reference": text_file}, headers=bearer(app_key[1]))

    assert response.status_code == 422
    assert "decode" in response.json()["error"] or "audio" in response.json()["error"]
