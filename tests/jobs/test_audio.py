"""Upload checks: the content is sniffed and decoded, and each rejection names what was measured."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jobs.audio import ReferenceRejected, measure_reference
from tests.audio_samples import (
    ID3_TAG,
    REFERENCE_SONG,
    SHORT_SUNG_CLIP,
    flac,
    long_mp3_from_few_bytes,
    quiet_wav,
    tone_mp3,
    tone_wav,
    wav_with_channels,
    wav_with_data_size,
    wav_with_samplerate,
)


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
    with pytest.raises(ReferenceRejected, match="looks like a ZIP archive, not a WAV or MP3"):
        measure_reference(upload("song.mp3", archive.getvalue()))


def test_a_file_that_is_not_audio_is_refused_naming_the_formats_the_chosen_model_takes():
    with pytest.raises(ReferenceRejected) as rejected:
        measure_reference(upload("song.mp3", b"\x00\x01\x02\x03" * 1000), model_name="minimax/music-cover")

    assert (
        rejected.value.message == "This file is not an MP3, WAV or FLAC recording. Upload a .mp3, .wav or .flac song."
    )


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


def test_id3_tag_followed_by_flac_is_refused_as_flac_in_disguise():
    with pytest.raises(ReferenceRejected) as rejected:
        measure_reference(upload("song.mp3", ID3_TAG + flac(16.0)))
    assert rejected.value.message == "This file starts with an MP3 tag but holds FLAC audio; upload a WAV or MP3."


def test_id3_tag_followed_by_wav_is_refused_as_not_mpeg():
    with pytest.raises(ReferenceRejected, match="starts with an MP3 tag but holds WAV audio"):
        measure_reference(upload("song.mp3", ID3_TAG + tone_wav(16.0)))


def test_truncated_mp3_is_measured_by_what_decodes_not_by_its_header():
    whole = tone_mp3(16.0)
    with pytest.raises(ReferenceRejected, match=r"This file is \d\.\d s long; the reference must be longer than 15 s"):
        measure_reference(upload("cut.mp3", whole[: len(whole) // 3]))


def test_eleven_minutes_of_mp3_in_a_few_hundred_kilobytes_is_refused_with_its_length():
    too_long = r"This file is 11 min \d+ s long; the reference must be at most 10 min"
    with pytest.raises(ReferenceRejected, match=too_long):
        measure_reference(upload("long.mp3", long_mp3_from_few_bytes(660)))


def test_wav_claiming_more_audio_than_it_holds_is_refused_as_cut_short():
    with pytest.raises(ReferenceRejected) as rejected:
        measure_reference(upload("lie.wav", wav_with_data_size(tone_wav(16.0), 22050 * 2 * 3600)))
    assert rejected.value.message.startswith(
        "This WAV file is cut short: its header announces 60 min of audio but the file holds 16 s."
    )


def test_wav_with_zero_channels_is_refused_saying_so():
    with pytest.raises(ReferenceRejected, match="This WAV file says it has no audio channels"):
        measure_reference(upload("none.wav", wav_with_channels(tone_wav(16.0), 0)))


@pytest.mark.parametrize("samplerate", [1, 4_000, 1_000_000])
def test_wav_with_an_absurd_sample_rate_is_refused_naming_it(samplerate):
    with pytest.raises(ReferenceRejected, match=f"This file says its sample rate is {samplerate:,} Hz"):
        measure_reference(upload("odd.wav", wav_with_samplerate(tone_wav(16.0), samplerate)))


def test_digital_silence_is_refused():
    with pytest.raises(ReferenceRejected, match="The reference is silent: every sample is zero"):
        measure_reference(upload("silence.wav", quiet_wav(16.0, 0.0)))


def test_near_silence_is_refused_with_its_peak_level():
    with pytest.raises(ReferenceRejected, match=r"The reference seems silent \(its loudest moment is -(69|70) dBFS\)"):
        measure_reference(upload("hiss.wav", quiet_wav(16.0, 10 ** (-70 / 20))))


def test_quiet_but_audible_reference_is_accepted():
    info = measure_reference(upload("quiet.wav", quiet_wav(16.0, 10 ** (-50 / 20))))
    assert info.peak_dbfs == pytest.approx(-50, abs=0.5)


def test_undecodable_file_is_refused_without_the_decoders_words():
    with pytest.raises(ReferenceRejected) as rejected:
        measure_reference(upload("cut.wav", tone_wav(16.0)[:30]))
    assert "BytesIO" not in rejected.value.message and "Error" not in rejected.value.message
    assert "/" not in rejected.value.message and "<" not in rejected.value.message
