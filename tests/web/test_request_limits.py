"""Bodies larger than any upload we accept are refused with 413 before they are read (plumbing/uploads.py)."""

import socket
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.audio_samples import tone_wav
from tests.upload_checks import nothing_written

NEW = reverse("jobs:new")
SIXTY_MB = 60_000_000
SENTENCE = "This upload is larger than the 50 MB this server accepts for a reference."


def declaring(client, path, length, content_type="multipart/form-data; boundary=x", **headers):
    """POST a few bytes while declaring `length`: reading the body would fail, as it is not there."""
    return client.generic(
        "POST", path, b"--x\r\n", content_type=content_type, CONTENT_LENGTH=str(length), headers=headers
    )


def test_form_post_declaring_60_mb_is_refused_with_a_page_before_the_body_is_read(owner_client):
    with nothing_written():
        response = declaring(owner_client, NEW, SIXTY_MB)

    assert response.status_code == 413
    assert SENTENCE in response.content.decode()
    assert "<h1>This upload is too large</h1>" in response.content.decode()


def test_htmx_form_post_declaring_60_mb_gets_the_sentence_as_a_fragment(owner_client):
    response = declaring(owner_client, NEW, SIXTY_MB, **{"HX-Request": "true"})

    assert response.status_code == 413
    page = response.content.decode()
    assert SENTENCE in page and "<html" not in page and 'role="alert"' in page


@pytest.mark.parametrize("path", ["/v2/generate/audio", "/v2/analyze/audio", "/api/jobs/"])
def test_program_paths_declaring_60_mb_get_a_json_error(client, path):
    response = declaring(client, path, SIXTY_MB)

    assert response.status_code == 413
    assert response.json()["error"].startswith(SENTENCE)


@pytest.mark.django_db
def test_the_limit_is_the_largest_reference_plus_room_for_the_form(client, settings):
    settings.MUSICGEN_REFERENCE_MAX_MB = 2
    settings.LOCALGEN_REFERENCE_MAX_MB = 3
    largest = 3_000_000 + settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    # Not a form, so nothing reads the body that is not there; without a key the view answers 401.
    assert declaring(client, "/v2/analyze/audio", largest + 1, "application/octet-stream").status_code == 413
    assert declaring(client, "/v2/analyze/audio", largest, "application/octet-stream").status_code == 401


def test_a_file_running_past_the_cap_is_cut_off_while_read_and_nothing_is_stored(owner_client, settings):
    # The body declares less than the cap (1 MB of reference plus 1 MB of room): only reading it finds the excess.
    settings.MUSICGEN_REFERENCE_MAX_MB = settings.LOCALGEN_REFERENCE_MAX_MB = 1
    oversized = SimpleUploadedFile("long.wav", tone_wav(30.0), content_type="audio/wav")  # 1.3 MB

    with nothing_written():
        response = owner_client.post(NEW, {"prompt": "La la la", "reference_track": oversized})

    assert response.status_code == 413
    assert "larger than the 1 MB this server accepts" in response.content.decode()


def test_malformed_multipart_body_is_refused_with_400_not_500(owner_client):
    response = owner_client.generic(
        "POST", NEW, b"no boundary here", content_type="multipart/form-data; boundary=", headers={}
    )

    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_over_a_real_socket_the_413_arrives_while_the_body_is_still_unsent(live_server):
    server = urlparse(live_server.url)
    request = (
        f"POST {NEW} HTTP/1.1\r\nHost: {server.hostname}:{server.port}\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {SIXTY_MB}\r\n\r\n--x\r\n"
    ).encode()
    with socket.create_connection((server.hostname, server.port), timeout=30) as connection:
        connection.sendall(request)  # 60 MB announced, 5 bytes sent, and the socket kept open
        answer = connection.recv(65536).decode("latin-1")

    assert answer.startswith("HTTP/1.1 413")
