"""The contract of /v2/generate/audio: the hosted minimax-music API's, as jobs/upstream.py expects it."""

import json

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from localgen.models import Generation
from localgen.views import AUDIO_URL_PURPOSE, AUDIO_URL_VALID_FOR
from plumbing import signed_urls
from tests.localgen.conftest import bearer

URL = "/v2/generate/audio"
VALID_BODY = {
    "model": "minimax-music",
    "prompt": "##First line\nSecond line##",
    "reference_audio_url": "https://example.com/reference.mp3",
}


def post(client, body, key):
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=bearer(key))


def status(client, generation_id, key):
    return client.get(URL, {"generation_id": generation_id}, headers=bearer(key))


def test_post_creates_a_queued_generation_and_sends_it_to_the_engine_on_commit(
    client, app_key, django_capture_on_commit_callbacks, engine_queue
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, VALID_BODY, app_key[1])

    assert response.status_code == 201
    answer = response.json()
    assert answer["status"] == "queued"
    generation = Generation.objects.get(id=answer["id"])
    assert generation.key == app_key[0]
    assert generation.prompt == VALID_BODY["prompt"]  # as sent: the engine reads the ## markers itself
    assert engine_queue == [("localgen.tasks.render_generation", [answer["id"]])]


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-key-of-ours-at-all-really", "Basic dXNlcjpwYXNz"])
def test_post_without_a_valid_key_is_refused_with_401(client, app_key, authorization):
    headers = {"Authorization": authorization} if authorization else {}

    response = client.post(URL, data=json.dumps(VALID_BODY), content_type="application/json", headers=headers)

    assert response.status_code == 401
    assert "API key" in response.json()["error"]
    assert not Generation.objects.exists()


def test_get_without_a_valid_key_is_refused_with_401(client, app_key):
    generation = Generation.objects.create(key=app_key[0], prompt="x", reference_audio_url="https://example.com/r.mp3")

    response = status(client, generation.id, "mg_wrong_key_of_sufficient_length")

    assert response.status_code == 401


def test_body_that_is_not_json_is_refused_with_400(client, app_key):
    response = client.post(URL, data="model=minimax-music", content_type="text/plain", headers=bearer(app_key[1]))

    assert response.status_code == 400
    assert "JSON" in response.json()["error"]


def test_json_that_is_not_an_object_is_refused_with_400(client, app_key):
    response = post(client, ["minimax-music"], app_key[1])

    assert response.status_code == 400


@pytest.mark.parametrize(
    "field, value",
    [
        ("model", "music-01"),
        ("model", None),
        ("prompt", None),
        ("prompt", "   "),
        ("prompt", 42),
        ("prompt", "la " * 201),
        ("reference_audio_url", None),
        ("reference_audio_url", "ftp://example.com/reference.mp3"),
        ("reference_audio_url", "file:///etc/passwd"),
        ("reference_audio_url", "not a url"),
    ],
)
def test_a_bad_field_is_refused_with_422_naming_it(client, app_key, field, value):
    body = {**VALID_BODY, field: value}
    if value is None:
        del body[field]

    response = post(client, body, app_key[1])

    assert response.status_code == 422
    answer = response.json()
    assert answer["error"].startswith(field)
    assert list(answer["fields"]) == [field]
    assert not Generation.objects.exists()


def test_a_prompt_of_exactly_600_characters_is_accepted(client, app_key):
    response = post(client, {**VALID_BODY, "prompt": "a" * 600}, app_key[1])

    assert response.status_code == 201


def test_a_prompt_over_600_characters_is_refused_saying_its_length(client, app_key):
    response = post(client, {**VALID_BODY, "prompt": "a" * 601}, app_key[1])

    assert "601" in response.json()["error"]


def test_status_of_a_queued_generation(client, app_key):
    generation = Generation.objects.create(key=app_key[0], prompt="x", reference_audio_url="https://example.com/r.mp3")

    response = status(client, generation.id, app_key[1])

    assert response.status_code == 200
    assert response.json() == {"id": str(generation.id), "status": "queued", "audio_file": None, "error": None}


def test_status_of_a_failed_generation_gives_the_reason(client, app_key):
    generation = Generation.objects.create(
        key=app_key[0], prompt="x", reference_audio_url="https://example.com/r.mp3", status="error", error="Too short."
    )

    answer = status(client, generation.id, app_key[1]).json()

    assert answer["status"] == "error"
    assert answer["error"] == "Too short."
    assert answer["audio_file"] is None


def test_status_of_a_completed_generation_gives_an_absolute_audio_url_that_needs_no_key(client, app_key, settings):
    settings.PUBLIC_BASE_URL = "http://testserver"
    generation = Generation.objects.create(
        key=app_key[0], prompt="x", reference_audio_url="https://example.com/r.mp3", status="completed"
    )
    generation.audio_file.save("song.mp3", ContentFile(b"ID3 not really an mp3"))

    audio_url = status(client, generation.id, app_key[1]).json()["audio_file"]["url"]

    assert audio_url.startswith("http://testserver/v2/generate/files/")
    download = client.get(audio_url)  # no Authorization header
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"ID3 not really an mp3"
    assert download["Content-Type"] == "audio/mpeg"


def test_audio_url_with_a_forged_token_is_not_found(client, db):
    response = client.get("/v2/generate/files/forged-token/")

    assert response.status_code == 404


def test_audio_url_on_s3_is_a_presigned_storage_url(client, app_key, monkeypatch):
    generation = Generation.objects.create(
        key=app_key[0],
        prompt="x",
        reference_audio_url="https://example.com/r.mp3",
        status="completed",
        audio_file="generations/some.mp3",
    )
    storage = PresigningStorage()
    monkeypatch.setattr("localgen.views.default_storage", storage)
    monkeypatch.setattr("plumbing.file_responses.default_storage", storage)

    audio_url = status(client, generation.id, app_key[1]).json()["audio_file"]["url"]

    assert audio_url == "https://bucket.example/generations/some.mp3?expires=3600"


class PresigningStorage:
    querystring_auth = True

    def url(self, name, expire):
        return f"https://bucket.example/{name}?expires={expire}"


def test_status_of_an_unknown_id_is_404(client, app_key):
    response = status(client, "9b2e8a34-1111-4222-8333-444455556666", app_key[1])

    assert response.status_code == 404
    assert "error" in response.json()


def test_status_of_an_id_that_is_not_a_uuid_is_404(client, app_key):
    assert status(client, "906aec79:minimax-music", app_key[1]).status_code == 404


def test_status_of_another_keys_generation_is_404(client, app_key, other_key):
    generation = Generation.objects.create(
        key=other_key[0], prompt="x", reference_audio_url="https://example.com/r.mp3"
    )

    response = status(client, generation.id, app_key[1])

    assert response.status_code == 404


def test_status_without_generation_id_is_refused_with_422_naming_it(client, app_key):
    response = client.get(URL, headers=bearer(app_key[1]))

    assert response.status_code == 422
    assert "generation_id" in response.json()["error"]


def test_post_needs_no_csrf_token(app_key):
    response = post(Client(enforce_csrf_checks=True), VALID_BODY, app_key[1])

    assert response.status_code == 201


LYRICS_TIMING = [
    {"text": "First line", "start": 2.0, "end": 4.5, "words": [{"text": "First", "start": 2.0, "end": 3.0}]}
]


def completed_with_stems(app_key):
    generation = Generation.objects.create(
        key=app_key[0],
        prompt="x",
        reference_audio_url="https://example.com/r.mp3",
        status="completed",
        lyrics_timing=LYRICS_TIMING,
    )
    generation.audio_file.save("song.mp3", ContentFile(b"the song"), save=False)
    generation.vocals_file.save("vocals.mp3", ContentFile(b"the vocals"), save=False)
    generation.instrumental_file.save("instrumental.mp3", ContentFile(b"the band"))
    return generation


def test_status_of_a_completed_generation_adds_the_lyrics_timing_and_stem_urls_that_need_no_key(
    client, app_key, settings
):
    settings.PUBLIC_BASE_URL = "http://testserver"
    generation = completed_with_stems(app_key)

    answer = status(client, generation.id, app_key[1]).json()

    assert answer["lyrics_timing"] == LYRICS_TIMING
    assert set(answer["stems"]) == {"vocals", "instrumental"}
    downloads = {stem: client.get(answer["stems"][stem]["url"]) for stem in answer["stems"]}
    assert {stem: b"".join(response.streaming_content) for stem, response in downloads.items()} == {
        "vocals": b"the vocals",
        "instrumental": b"the band",
    }


def test_a_completed_generation_without_stems_or_timing_answers_as_the_hosted_contract(client, app_key):
    generation = Generation.objects.create(
        key=app_key[0], prompt="x", reference_audio_url="https://example.com/r.mp3", status="completed"
    )
    generation.audio_file.save("song.mp3", ContentFile(b"the song"))

    answer = status(client, generation.id, app_key[1]).json()

    assert set(answer) == {"id", "status", "audio_file", "error"}


def test_a_file_token_for_a_field_that_is_not_served_is_not_found(client, app_key):
    generation = completed_with_stems(app_key)
    token = signed_urls.sign(
        [str(generation.id), "reference_audio_url"], purpose=AUDIO_URL_PURPOSE, valid_for=AUDIO_URL_VALID_FOR
    )

    assert client.get(f"/v2/generate/files/{token}/").status_code == 404
