"""References and lyrics the engine refuses, each with a sentence a person can act on."""

import numpy as np
import pytest
import soundfile

from bench.synthetic import write_reference
from engine import ReferenceTooLong, ReferenceTooShort, UnreadableReference, UnusableLyrics, analyze, render
from engine.lyrics import parse_lyrics
from generation.catalogue import LOCAL_REFERENCE_MAX_SECONDS, REFERENCE_FORMATS
from tests.audio_samples import SHARED_REF


def test_a_reference_shorter_than_any_model_takes_is_rejected_with_its_measured_length(tmp_path):
    # minimax-music's "longer than 15 s" is the catalogue's, checked before a render; the engine's own
    # floor is the shortest any model accepts (music-cover: 6 s).
    path = tmp_path / "five.wav"
    write_reference(path, tempo=100.0, tonic=0, mode="major", seconds=5.0)

    with pytest.raises(ReferenceTooShort, match=r"5\.0 s long; it must be at least 6 s"):
        render(path, "la la la", 1, tmp_path / "song.mp3")


def test_a_cover_of_a_ten_second_clip_is_made(tmp_path):
    song = render(
        SHARED_REF / "diffrhythm_eg_cn.wav",
        "[Verse]\nLa la la, the river runs",
        1,
        tmp_path / "song.mp3",
        style="acoustic folk",
        grammar="sections",
        cover=True,
    )

    assert song.duration > 5


def test_random_bytes_are_an_unreadable_reference(tmp_path):
    path = tmp_path / "noise.wav"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())

    with pytest.raises(UnreadableReference, match="could not be decoded as audio"):
        analyze(path)


def test_an_undecodable_file_is_told_every_format_a_model_takes(tmp_path):
    path = tmp_path / "song.flac"
    path.write_bytes(b"fLaC" + bytes(4000))

    with pytest.raises(UnreadableReference, match="it is not a recording in FLAC, MP3 or WAV, or it is damaged"):
        analyze(path)


@pytest.mark.parametrize("audio_format", REFERENCE_FORMATS)
def test_every_format_a_model_takes_as_a_reference_is_decoded(tmp_path, audio_format):
    path = tmp_path / f"reference.{audio_format.lower()}"
    write_reference(path, tempo=120.0, tonic=0, mode="major", seconds=8.0)

    assert analyze(path).duration == pytest.approx(8.0, abs=0.1)


def test_a_reference_longer_than_the_local_service_takes_is_refused_with_both_lengths(tmp_path):
    path = tmp_path / "long.wav"
    soundfile.write(str(path), np.zeros(8000 * (LOCAL_REFERENCE_MAX_SECONDS + 5), dtype=np.int16), 8000)

    with pytest.raises(ReferenceTooLong, match="^the reference is 10 min 05 s long; it must be at most 10 min$"):
        analyze(path)


def test_a_text_file_named_mp3_is_an_unreadable_reference(tmp_path):
    path = tmp_path / "song.mp3"
    path.write_text("these are not the droids you are looking for\n" * 100)

    with pytest.raises(UnreadableReference):
        render(path, "la la la", 1, tmp_path / "out.mp3")


def test_a_truncated_wav_still_decodes_what_is_there_or_is_unreadable(tmp_path):
    whole = tmp_path / "whole.wav"
    soundfile.write(str(whole), np.zeros(44100 * 20, dtype=np.float32), 44100)
    truncated = tmp_path / "truncated.wav"
    truncated.write_bytes(whole.read_bytes()[:30])

    with pytest.raises(UnreadableReference):
        analyze(truncated)


def test_lyrics_longer_than_600_characters_are_rejected():
    with pytest.raises(UnusableLyrics, match="601 characters long; shorten them to at most 600"):
        parse_lyrics("a" * 601)


def test_lyrics_of_only_emoji_are_rejected_as_unsingable():
    with pytest.raises(UnusableLyrics, match="no words that can be sung"):
        parse_lyrics("🎵🎵\n🎶")
