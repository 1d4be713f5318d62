"""Upload checks: the content is sniffed and decoded, and each rejection names what was measured."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.audio import ReferenceRejected, measure_reference
from tests.audio_samples import REFERENCE_SONG, SHORT_SUNG_CLIP, tone_mp3, tone_wav


def upload(name, content):
    return SimpleUploadedFile(name, content)


def test_real_mp3_song_is_accepted_with_its_measured_duration():
    info = measure_reference(upload("song.mp3", REFERENCE_SONG.read_bytes()))
    assert info.format == "mp3"
    assert info.duration == pytest.approx(60.0, abs=0.2)
    assert info.channels == 2


def test_real_ten_second_clip_is_rejected_with_measured_duration():
    with pytest.raises(ReferenceRejected) as rejected:
        measure_reference(upload("clip.wav", SHORT_SUNG_CLIP.read_bytes()))
    assert rejected.value.message == "This file is 10.0 s long; the reference must be longer than 15 s."


def test_wav_of_exactly_15_seconds_is_rejected():
    with pytest.raises(ReferenceRejected, match="15.0 s long"):
        measure_reference(upload("tone.wav", tone_wav(15.0)))


def test_wav_just_over_15_seconds_is_accepted():
    assert measure_reference(upload("tone.wav", tone_wav(15.5))).format == "wav"


def test_stereo_mp3_is_accepted():
    assert measure_reference(upload("tone.mp3", tone_mp3(16.0, channels=2))).channels == 2


def test_format_is_sniffed_from_content_not_extension():
    assert measure_reference(upload("actually-a-wav.mp3", tone_wav(16.0))).format == "wav"


def test_zip_archive_named_mp3_is_rejected_as_zip():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("song.mp3", b"not audio")
    with pytest.raises(ReferenceRejected, match="looks like a ZIP archive, not WAV or MP3"):
        measure_reference(upload("song.mp3", archive.getvalue()))


def test_unknown_bytes_are_rejected_as_not_audio():
    with pytest.raises(ReferenceRejected, match="not a WAV or MP3 recording"):
        measure_reference(upload("song.wav", b"\x00\x01\x02\x03" * 1000))


def test_truncated_wav_header_is_rejected_as_undecodable():
    with pytest.raises(ReferenceRejected, match="could not be decoded"):
        measure_reference(upload("cut.wav", tone_wav(16.0)[:30]))


def test_empty_file_is_rejected():
    with pytest.raises(ReferenceRejected, match="empty"):
        measure_reference(upload("empty.wav", b""))


def test_file_over_the_size_limit_is_rejected_with_its_size(settings):
    settings.MUSICGEN_REFERENCE_MAX_MB = 1
    with pytest.raises(ReferenceRejected, match=r"This file is 1\.4 MB; the reference must be at most 1 MB"):
        measure_reference(upload("song.mp3", REFERENCE_SONG.read_bytes()))


def test_reference_over_ten_minutes_is_rejected_with_its_length(settings):
    settings.MUSICGEN_REFERENCE_MAX_SECONDS = 20
    with pytest.raises(ReferenceRejected, match="This file is 1 min long; the reference must be at most 20 s"):
        measure_reference(upload("song.mp3", REFERENCE_SONG.read_bytes()))
