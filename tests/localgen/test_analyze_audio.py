"""/v2/analyze/audio: the local service says what the engine hears in a reference, on the engine queue.

The task's step runs here in the test process (as the engine worker runs it); the reference is
served by `responses`, as in test_flow.py. The path through real workers is in test_end_to_end.py.
"""

from datetime import timedelta

import pytest
import responses
from django.urls import reverse
from django.utils import timezone

from localgen import analysis as local_analysis
from localgen.models import Analysis
from tests.audio_samples import REFERENCE_SONG
from tests.localgen.conftest import bearer

URL = "/v2/analyze/audio"
REFERENCE_URL = "https://files.example/reference.mp3"


def ask(client, key, url=REFERENCE_URL):
    return client.post(URL, {"reference_audio_url": url}, content_type="application/json", headers=bearer(key))


def status_of(client, key, analysis_id):
    return client.get(URL, {"analysis_id": analysis_id}, headers=bearer(key))


@pytest.fixture
def queued(app_key):
    return Analysis.objects.create(key=app_key[0], reference_audio_url=REFERENCE_URL)


def served(body):
    mock = responses.RequestsMock()
    mock.get(REFERENCE_URL, body=body)
    return mock


def test_analysis_needs_an_api_key(client, db):
    assert reverse("localgen:analyze_audio") == URL
    assert client.post(URL).status_code == 401
    assert client.get(URL, {"analysis_id": "x"}).status_code == 401


def test_asking_for_an_analysis_queues_it_for_the_engine_worker(client, app_key, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        response = ask(client, app_key[1])

    assert response.status_code == 201
    answer = response.json()
    assert answer["status"] == "queued"
    assert Analysis.objects.get(id=answer["id"]).reference_audio_url == REFERENCE_URL
    assert len(on_commit) == 1


def test_asking_without_a_reference_url_names_the_missing_field(client, app_key):
    response = client.post(URL, {}, content_type="application/json", headers=bearer(app_key[1]))

    assert response.status_code == 422
    assert response.json()["error"].startswith("reference_audio_url is required")
    assert not Analysis.objects.exists()


def test_the_missing_reference_url_sentence_names_every_format_a_model_takes(client, app_key):
    response = client.post(URL, {}, content_type="application/json", headers=bearer(app_key[1]))

    assert "a reference recording (FLAC, MP3 or WAV)" in response.json()["error"]


def test_asking_with_a_body_that_is_not_json_says_so(client, app_key):
    response = client.post(URL, "not json", content_type="application/json", headers=bearer(app_key[1]))
    assert response.status_code == 400


def test_asking_with_absurdly_deep_json_is_refused_as_not_json(client, app_key):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(URL, body, content_type="application/json", headers=bearer(app_key[1]))
    assert response.status_code == 400
    assert not Analysis.objects.exists()


def test_asking_with_a_nul_in_the_url_is_refused(client, app_key):
    response = ask(client, app_key[1], url="https://files.example/ref\x00.mp3")
    assert response.status_code == 422
    assert not Analysis.objects.exists()


def test_a_queued_analysis_answers_its_status(client, app_key, queued):
    answer = status_of(client, app_key[1], str(queued.id)).json()
    assert answer == {"id": str(queued.id), "status": "queued", "analysis": None, "error": None}


def test_another_keys_analysis_is_not_found(client, other_key, queued):
    assert status_of(client, other_key[1], str(queued.id)).status_code == 404


def test_an_unknown_analysis_id_is_not_found(client, app_key):
    assert status_of(client, app_key[1], "not-a-uuid").status_code == 404


def test_the_analysis_of_a_real_song_gives_its_tempo_and_key(client, app_key, queued):
    with served(REFERENCE_SONG.read_bytes()):
        local_analysis.analysis_step(queued.id)

    answer = status_of(client, app_key[1], str(queued.id)).json()
    assert answer["status"] == "completed"
    heard = answer["analysis"]
    assert heard["duration"] == pytest.approx(60.0, abs=0.2)
    assert 60 <= heard["tempo"] <= 200
    assert heard["key"].split()[1] in ("major", "minor")
    assert heard["vocals_found"] is True


def test_the_analysis_of_something_that_is_not_audio_ends_in_error_with_a_sentence(client, app_key, queued):
    with served(b"just some text, not a recording"):
        local_analysis.analysis_step(queued.id)

    answer = status_of(client, app_key[1], str(queued.id)).json()
    assert answer["status"] == "error"
    assert answer["error"] == (
        "This file could not be decoded as audio: it is not a recording in FLAC, MP3 or WAV, or it is damaged."
    )


def test_an_analysis_claimed_by_another_run_is_left_alone(queued):
    Analysis.objects.filter(id=queued.id).update(status="analyzing", started_at=timezone.now())

    local_analysis.analysis_step(queued.id)  # would fetch the reference (and fail: nothing serves it)

    queued.refresh_from_db()
    assert queued.status == "analyzing"


def test_analyses_older_than_a_day_are_swept(queued, app_key):
    old = Analysis.objects.create(key=app_key[0], reference_audio_url=REFERENCE_URL)
    Analysis.objects.filter(id=old.id).update(created_at=timezone.now() - timedelta(days=1, minutes=1))

    assert local_analysis.analyses_sweep() == 1

    assert list(Analysis.objects.values_list("id", flat=True)) == [queued.id]
