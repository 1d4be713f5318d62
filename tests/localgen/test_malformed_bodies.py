"""The local service answers every malformed POST body with a 4xx JSON sentence, never a 500."""

import json

import pytest
from django.conf import settings

from localgen.models import Generation
from tests.localgen.conftest import bearer

URL = "/v2/generate/audio"
VALID = {
    "model": "minimax-music",
    "prompt": "First line\nSecond line",
    "reference_audio_url": "https://example.com/r.mp3",
}


def with_field(field, value):
    return json.dumps({**VALID, field: value}).encode()


MALFORMED_BODIES = {
    "empty": b"",
    "not JSON": b"model=minimax-music",
    "cut-off JSON": b'{"model": "minimax-music", "prompt": "la',
    "arrays nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "objects nested 50,000 deep": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "an array": b'["minimax-music"]',
    "a number": b"42",
    "a string": b'"minimax-music"',
    "null": b"null",
    "not UTF-8": b'{"prompt": "\xff\xfe caf\xe9"}',
    "a 5,000-digit number": b'{"model": ' + b"9" * 5000 + b"}",
    "larger than the JSON limit": with_field("prompt", "la " * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 1)),
    "model as a list": with_field("model", ["minimax-music"]),
    "model as an object": with_field("model", {"name": "minimax-music"}),
    "prompt as an object": with_field("prompt", {"text": "la la"}),
    "prompt as a list": with_field("prompt", ["la", "la"]),
    "prompt as a number": with_field("prompt", 42),
    "prompt as true": with_field("prompt", True),
    "URL as a number": with_field("reference_audio_url", 80),
    "URL as a list": with_field("reference_audio_url", ["https://example.com/r.mp3"]),
    "NUL in the prompt": with_field("prompt", "la\x00la"),
    "a bell in the prompt": with_field("prompt", "la\x07la"),
    "half a surrogate pair in the prompt": with_field("prompt", "la \ud800 la"),
    "NUL in the URL": with_field("reference_audio_url", "https://example.com/r\x00.mp3"),
    "NUL in the model": with_field("model", "minimax-music\x00"),
}


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_malformed_body_is_refused_with_a_4xx_json_sentence_and_nothing_is_stored(client, app_key, body):
    response = client.post(URL, data=body, content_type="application/json", headers=bearer(app_key[1]))

    assert 400 <= response.status_code < 500
    error = response.json()["error"]
    assert isinstance(error, str) and error.endswith(".") and " " in error
    assert not Generation.objects.exists()


def test_a_body_larger_than_the_json_limit_is_refused_with_413(client, app_key):
    response = client.post(
        URL,
        data=MALFORMED_BODIES["larger than the JSON limit"],
        content_type="application/json",
        headers=bearer(app_key[1]),
    )

    assert response.status_code == 413
    assert "larger than 1000 KB" in response.json()["error"]


def test_deep_nesting_is_refused_with_400_saying_so(client, app_key):
    body = MALFORMED_BODIES["arrays nested 100,000 deep"]
    response = client.post(URL, data=body, content_type="application/json", headers=bearer(app_key[1]))

    assert response.status_code == 400
    assert "nests too deeply" in response.json()["error"]


def test_nul_in_the_prompt_is_refused_naming_the_line_and_character(client, app_key):
    response = client.post(
        URL, data=with_field("prompt", "ok\nla\x00la"), content_type="application/json", headers=bearer(app_key[1])
    )

    assert response.status_code == 422
    assert "Line 2 contains a control character (U+0000)" in response.json()["fields"]["prompt"]


def test_duplicate_keys_are_fine_and_the_last_one_counts(client, app_key):
    body = b'{"model": "other", "model": "minimax-music", "prompt": "la", "reference_audio_url": "https://example.com/r.mp3"}'
    response = client.post(URL, data=body, content_type="application/json", headers=bearer(app_key[1]))

    assert response.status_code == 201
