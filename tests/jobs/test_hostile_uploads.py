"""Hostile and broken uploads, posted through the real new-song form by a logged-in person.

Each file is built here in code. Every refusal names its own reason (the sentence is asserted, not
just "an error"), and a refused upload writes nothing: no row and no file (tests/upload_checks.nothing_written).
The only uploads allowed to write are valid audio under hostile names, stored under a cleaned name.
"""

import gzip
import html
import io
import os
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from jobs.models import Job
from plumbing.uploads import UPLOAD_NAME_MAX_CHARS
from tests.audio_samples import (
    ID3_TAG,
    flac,
    long_mp3_from_few_bytes,
    ogg,
    quiet_wav,
    tone_mp3,
    tone_wav,
    wav_with_channels,
    wav_with_data_size,
    wav_with_fmt_size,
    wav_with_samplerate,
)
from tests.upload_checks import nothing_written, stored_files

NEW = reverse("jobs:new")
LYRICS = "Walking down the river\nSinging all night long"
BOUNDARY = "hostile-upload-boundary"


def form_body(file_name, content, prompt=LYRICS):
    """The new-song form as a browser would send it, with the file name exactly as given (no client cleans it)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\n'.encode() + prompt.encode() + b"\r\n",
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="reference_track"; filename="{file_name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n",
        f"--{BOUNDARY}--\r\n".encode(),
    ]
    return b"".join(parts)


def post_upload(client, file_name, content, prompt=LYRICS):
    body = form_body(file_name, content, prompt)
    response = client.generic("POST", NEW, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")
    return response, html.unescape(response.content.decode())


@pytest.fixture
def person(owner):
    client = Client()
    client.force_login(owner)
    return client


def zip_archive():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("song.mp3", b"not audio")
    return archive.getvalue()


def mp4_header():
    return b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A isommp42" + b"\x00" * 2000


def aac_adts_stream():
    return b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x21\x00" * 2000


WAV_16_S = tone_wav(16.0)
MP3_16_S = tone_mp3(16.0)
CUT_SHORT = "This WAV file is cut short: its header announces"

# file name, content, and the sentence (or its start) the person reads
REFUSED = [
    pytest.param("song.mp3", b"", "The submitted file is empty.", id="empty file"),
    pytest.param(
        "song.mp3",
        b"These are my lyrics, not a song.\n" * 50,
        "This file is not a WAV or MP3 recording.",
        id="plain text named .mp3",
    ),
    pytest.param(
        "song.wav", b'{"song": "no"}', "This looks like a text or JSON file, not a WAV or MP3.", id="JSON named .wav"
    ),
    pytest.param(
        "song.mp3",
        b"<html><body>hi</body></html>",
        "This looks like an HTML or XML file, not a WAV or MP3.",
        id="HTML named .mp3",
    ),
    pytest.param("song.mp3", zip_archive(), "This looks like a ZIP archive, not a WAV or MP3.", id="ZIP named .mp3"),
    pytest.param(
        "song.wav",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 500,
        "This looks like a PNG image, not a WAV or MP3.",
        id="PNG named .wav",
    ),
    pytest.param(
        "song.mp3",
        b"\xff\xd8\xff\xe0" + b"\x00" * 500,
        "This looks like a JPEG image, not a WAV or MP3.",
        id="JPEG named .mp3",
    ),
    pytest.param(
        "song.mp3", b"%PDF-1.7\n" + b"0" * 500, "This looks like a PDF document, not a WAV or MP3.", id="PDF named .mp3"
    ),
    pytest.param("song.mp3", mp4_header(), "This looks like an MP4/M4A file, not a WAV or MP3.", id="MP4 named .mp3"),
    pytest.param("song.mp3", ogg(16.0), "This looks like an Ogg file, not a WAV or MP3.", id="Ogg Vorbis named .mp3"),
    pytest.param("song.wav", flac(16.0), "minimax-music takes WAV or MP3 references, not FLAC.", id="FLAC named .wav"),
    pytest.param(
        "song.wav", gzip.compress(WAV_16_S), "This looks like a gzip archive, not a WAV or MP3.", id="gzip named .wav"
    ),
    pytest.param(
        "song.mp3",
        b"MThd\x00\x00\x00\x06" + b"\x00" * 100,
        "This looks like a MIDI file, not a WAV or MP3.",
        id="MIDI named .mp3",
    ),
    pytest.param(
        "song.wav",
        os.urandom(4096).replace(b"\xff", b"\x00"),
        "This file is not a WAV or MP3 recording.",
        id="random bytes",
    ),
    pytest.param(
        "song.mp3",
        ID3_TAG + flac(16.0),
        "This file starts with an MP3 tag but holds FLAC audio; upload a WAV or MP3.",
        id="ID3 tag wrapping FLAC",
    ),
    pytest.param(
        "song.mp3",
        ID3_TAG + WAV_16_S,
        "This file starts with an MP3 tag but holds WAV audio; upload a WAV or MP3.",
        id="ID3 tag wrapping WAV",
    ),
    pytest.param(
        "song.mp3",
        ID3_TAG + ogg(16.0),
        "This file starts with an MP3 tag but holds an Ogg file; upload a WAV or MP3.",
        id="ID3 tag wrapping Ogg",
    ),
    pytest.param(
        "song.mp3",
        ID3_TAG + zip_archive(),
        "This file starts with an MP3 tag but holds a ZIP archive; upload a WAV or MP3.",
        id="ID3 tag wrapping a ZIP archive",
    ),
    pytest.param(
        "song.mp3",
        ID3_TAG,
        "This file holds only an MP3 tag (title, artist...) and no audio.",
        id="ID3 tag and nothing else",
    ),
    pytest.param(
        "song.mp3", aac_adts_stream(), "This looks like an AAC stream, not a WAV or MP3.", id="AAC stream named .mp3"
    ),
    pytest.param(
        "song.mp3", MP3_16_S[: len(MP3_16_S) // 3], "the reference must be longer than 15 s.", id="MP3 cut to a third"
    ),
    pytest.param("song.mp3", MP3_16_S[:1000], "This file is 0.", id="MP3 cut to its first kilobyte"),
    pytest.param(
        "song.wav",
        WAV_16_S[: len(WAV_16_S) // 2],
        f"{CUT_SHORT} 16 s of audio but the file holds 8 s.",
        id="WAV cut in half",
    ),
    pytest.param(
        "song.wav",
        WAV_16_S[:44],
        f"{CUT_SHORT} 16 s of audio but the file holds 0 s.",
        id="WAV header without its audio",
    ),
    pytest.param(
        "song.wav", WAV_16_S[:30], "This file starts like WAV but could not be decoded.", id="WAV cut inside its header"
    ),
    pytest.param(
        "song.wav",
        wav_with_data_size(WAV_16_S, 22050 * 2 * 3600),
        f"{CUT_SHORT} 60 min of audio",
        id="WAV claiming an hour",
    ),
    pytest.param(
        "song.wav",
        wav_with_fmt_size(WAV_16_S, 0xFFFFFFF0),
        "This file starts like WAV but could not be decoded.",
        id="WAV whose format chunk claims 4 GB",
    ),
    pytest.param(
        "song.wav",
        wav_with_channels(WAV_16_S, 0),
        "This WAV file says it has no audio channels",
        id="WAV with zero channels",
    ),
    pytest.param(
        "song.wav", wav_with_samplerate(WAV_16_S, 1), "This file says its sample rate is 1 Hz", id="WAV at 1 Hz"
    ),
    pytest.param(
        "song.wav",
        wav_with_samplerate(WAV_16_S, 2_000_000),
        "This file says its sample rate is 2,000,000 Hz",
        id="WAV at 2 MHz",
    ),
    pytest.param(
        "song.wav",
        tone_wav(15.0),
        "This file is 15.0 s long; the reference must be longer than 15 s.",
        id="WAV of exactly 15 s",
    ),
    pytest.param(
        "song.wav",
        tone_wav(14.9),
        "This file is 14.9 s long; the reference must be longer than 15 s.",
        id="WAV just under 15 s",
    ),
    pytest.param(
        "song.mp3",
        long_mp3_from_few_bytes(660),
        "the reference must be at most 10 min.",
        id="11 minutes of MP3 in 660 kB",
    ),
    pytest.param(
        "song.wav", quiet_wav(16.0, 0.0), "The reference is silent: every sample is zero.", id="digital silence"
    ),
    pytest.param(
        "song.wav",
        quiet_wav(16.0, 10 ** (-72 / 20)),
        "The reference seems silent (its loudest moment is -7",
        id="near silence at -72 dBFS",
    ),
]


@pytest.mark.parametrize("file_name, content, sentence", REFUSED)
def test_hostile_upload_is_refused_with_its_own_sentence_and_writes_nothing(person, file_name, content, sentence):
    with nothing_written():
        response, page = post_upload(person, file_name, content)

    assert response.status_code == 200  # the form again, with the reason beside the file field
    assert sentence in page


def test_upload_over_the_size_cap_is_refused_while_read_and_writes_nothing(person, settings):
    settings.MUSICGEN_REFERENCE_MAX_MB = settings.LOCALGEN_REFERENCE_MAX_MB = 1

    with nothing_written():
        response, page = post_upload(person, "big.wav", tone_wav(40.0))  # 1.8 MB

    assert response.status_code == 413
    assert "This upload is larger than the 1 MB this server accepts for a reference." in page


def test_nul_in_the_lyrics_is_refused_naming_the_line_and_writes_nothing(person):
    with nothing_written():
        response, page = post_upload(person, "song.wav", WAV_16_S, prompt="First line\nSecond\x00line")

    assert "Line 2 contains a control character (U+0000)" in page


def test_rendered_refusals_show_no_decoder_internals(person):
    with nothing_written():
        _, page = post_upload(person, "song.wav", WAV_16_S[:30])

    assert "BytesIO" not in page and "object at 0x" not in page and "Error opening" not in page


HOSTILE_NAMES = [
    pytest.param("../../etc/passwd.wav", "passwd.wav", id="parent folders"),
    pytest.param("..\\..\\Windows\\system32\\demo.wav", "demo.wav", id="Windows folders"),
    pytest.param("my\x00song.wav", "mysong.wav", id="NUL in the name"),
    pytest.param("a" * 296 + ".wav", "a" * (UPLOAD_NAME_MAX_CHARS - 4) + ".wav", id="300 characters"),
    pytest.param("demo\u202evaw.mp3", "demovaw.mp3", id="right-to-left override"),
    pytest.param("\u2067\u200fdemo\u2069\u200e.wav", "demo.wav", id="bidi isolates and marks"),
]


@pytest.mark.parametrize("file_name, stored_name", HOSTILE_NAMES)
def test_valid_audio_under_a_hostile_name_is_accepted_under_the_cleaned_name(person, owner, file_name, stored_name):
    response, _ = post_upload(person, file_name, tone_wav(15.1))  # just over 15 s: accepted

    job = Job.objects.get(owner=owner)
    assert response.status_code == 302
    assert job.reference_name == stored_name
    assert job.reference_track.name in stored_files()
