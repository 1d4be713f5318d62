"""The local service fetches references only from public addresses or the origins it trusts.

Whoever holds an API key chooses reference_audio_url, so a URL naming this machine or a private
network is refused at once with 422, and one that redirects there ends its generation in "error".
Every server here is on loopback; refused addresses are refused before any connection is made.
"""

import json

import pytest

from localgen import flow
from localgen.models import Generation
from tests.file_server import FileServer, redirect, send, trickle
from tests.localgen.conftest import bearer

URL = "/v2/generate/audio"


def post_reference(client, key, reference_audio_url):
    body = {"model": "minimax-music", "prompt": "One line", "reference_audio_url": reference_audio_url}
    return client.post(URL, data=json.dumps(body), content_type="application/json", headers=bearer(key))


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5432/reference.mp3", "http://[::1]/reference.mp3", "http://0.0.0.0/reference.mp3",
        "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/reference.mp3",
        "http://192.168.1.1/reference.mp3", "http://172.16.0.1/reference.mp3", "http://224.0.0.1/reference.mp3",
        "http://[::ffff:127.0.0.1]/reference.mp3", "http://[fe80::1]/reference.mp3",
        "http://localhost/reference.mp3",
    ],
)  # fmt: skip
def test_a_reference_url_on_an_internal_address_is_refused_at_once_with_422(client, app_key, url):
    response = post_reference(client, app_key[1], url)

    assert response.status_code == 422
    problem = response.json()["fields"]["reference_audio_url"]
    assert "not allowed" in problem and "private or internal" in problem
    assert not Generation.objects.exists()


def test_a_reference_url_with_credentials_is_refused_at_once_with_422(client, app_key):
    response = post_reference(client, app_key[1], "http://user:secret@files.example/reference.mp3")

    assert response.status_code == 422
    assert "user name or password" in response.json()["fields"]["reference_audio_url"]
    assert not Generation.objects.exists()


@pytest.mark.parametrize(
    "url", ["ftp://files.example/reference.mp3", "file:///etc/passwd", "gopher://127.0.0.1:6379/_INFO"]
)
def test_a_reference_url_that_is_not_http_is_refused_at_once_with_422(client, app_key, url):
    response = post_reference(client, app_key[1], url)

    assert response.status_code == 422
    assert "reference_audio_url" in response.json()["fields"]
    assert not Generation.objects.exists()


def test_a_reference_url_with_an_impossible_port_is_refused_with_422_not_a_crash(client, app_key):
    response = post_reference(client, app_key[1], "http://files.example:99999/reference.mp3")

    assert response.status_code == 422
    assert "port" in response.json()["fields"]["reference_audio_url"]


def test_an_allowed_origin_is_accepted(client, app_key, settings):
    settings.LOCALGEN_ALLOWED_REFERENCE_ORIGINS = [("http", "127.0.0.1", 8765)]

    response = post_reference(client, app_key[1], "http://127.0.0.1:8765/reference.mp3")

    assert response.status_code == 201


def test_another_port_on_an_allowed_origins_host_is_refused(client, app_key, settings):
    settings.LOCALGEN_ALLOWED_REFERENCE_ORIGINS = [("http", "127.0.0.1", 8765)]

    response = post_reference(client, app_key[1], "http://127.0.0.1:8766/reference.mp3")

    assert response.status_code == 422


def test_musicgens_own_public_base_url_is_allowed_by_default(client, app_key, settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    settings.LOCALGEN_ALLOWED_REFERENCE_ORIGINS = []

    response = post_reference(client, app_key[1], "http://127.0.0.1:8000/files/reference/signed/")

    assert response.status_code == 201


def test_the_s3_endpoint_the_app_stores_references_in_is_allowed(client, app_key, settings):
    settings.LOCALGEN_ALLOWED_REFERENCE_ORIGINS = []
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"endpoint_url": "http://127.0.0.1:9000"}},
    }

    response = post_reference(client, app_key[1], "http://127.0.0.1:9000/musicgen/references/r.mp3?X-Amz-Signature=1")

    assert response.status_code == 201


def test_a_redirect_from_an_allowed_origin_to_an_internal_address_ends_in_error_saying_so(
    app_key, file_server, settings
):
    internal = FileServer()  # stands for a database, Redis or a metadata service on this machine
    try:
        secret = internal.route("/secret", send(b"internal data"))
        settings.LOCALGEN_ALLOWED_REFERENCE_ORIGINS = [file_server.origin]
        url = file_server.route("/reference.mp3", redirect(secret))
        generation = Generation.objects.create(key=app_key[0], prompt="One line", reference_audio_url=url)

        flow.render_step(generation.id)

        assert internal.requests == []
    finally:
        internal.close()
    generation.refresh_from_db()
    assert generation.status == "error"
    assert "not allowed because it is private or internal" in generation.error


def test_a_reference_trickling_in_past_the_fetch_deadline_ends_in_error(app_key, file_server, settings):
    settings.LOCALGEN_FETCH_TIMEOUT = 1
    settings.LOCALGEN_ALLOWED_REFERENCE_ORIGINS = [file_server.origin]
    url = file_server.route("/reference.mp3", trickle(100, every_seconds=0.5))
    generation = Generation.objects.create(key=app_key[0], prompt="One line", reference_audio_url=url)

    flow.render_step(generation.id)

    generation.refresh_from_db()
    assert generation.status == "error"
    assert "did not finish within 1 seconds" in generation.error
