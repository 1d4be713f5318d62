"""The song render() writes: it follows the reference, sings every line and is mastered."""

import numpy as np
import pyloudnorm
import pytest
import soundfile

from engine import analyze, render
from engine.mixing import true_peak_db

from .conftest import LYRICS, REFERENCE_TEMPO, vocal_phrases


def test_song_keeps_reference_tempo_within_two_percent(song):
    _, out_path, _ = song

    assert analyze(out_path).tempo == pytest.approx(REFERENCE_TEMPO, rel=0.02)


def test_song_keeps_reference_key_and_mode(song):
    _, out_path, _ = song

    analysis = analyze(out_path)

    assert (analysis.key_tonic, analysis.key_mode) == ("C", "major")


def test_song_is_a_44_khz_stereo_mp3_at_minus_14_lufs_below_minus_1_dbtp(song):
    result, out_path, _ = song
    samples, rate = soundfile.read(str(out_path), dtype="float64", always_2d=True)

    assert soundfile.info(str(out_path)).format == "MP3"
    assert (rate, samples.shape[1]) == (44100, 2)
    assert pyloudnorm.Meter(rate).integrated_loudness(samples) == pytest.approx(-14.0, abs=1.0)
    assert true_peak_db(samples) < -1.0
    assert result.duration == pytest.approx(len(samples) / rate, abs=0.1)


def test_a_short_lyric_still_gives_a_song_of_about_20_seconds(song):
    result, _, _ = song

    assert 19.0 <= result.duration <= 40.0


def test_stems_hold_the_dry_vocal_and_the_accompaniment(song):
    result, _, stems = song

    for name in ("vocals.wav", "accompaniment.wav"):
        info = soundfile.info(str(stems / name))
        assert info.duration == pytest.approx(result.duration, abs=0.5)


def test_every_lyric_line_is_one_vocal_phrase_in_the_dry_vocal(song):
    _, _, stems = song

    assert len(vocal_phrases(stems / "vocals.wav")) == len(LYRICS.splitlines())


def test_singing_starts_within_the_first_bar_without_intro_markers(song):
    _, _, stems = song
    bar = 4 * 60.0 / REFERENCE_TEMPO

    assert vocal_phrases(stems / "vocals.wav")[0][0] <= bar


def test_intro_and_outro_markers_add_instrumental_bars_before_and_after_the_singing(song_with_intro_and_outro):
    framed, _, stems = song_with_intro_and_outro
    bar = 4 * 60.0 / REFERENCE_TEMPO
    phrases = vocal_phrases(stems / "vocals.wav")

    assert len(phrases) == len(LYRICS.splitlines())
    assert phrases[0][0] >= 3 * bar
    assert framed.duration - phrases[-1][1] >= 3 * bar


def test_result_reports_the_analysis_and_time_per_stage(song):
    result, _, _ = song

    assert result.analysis.to_dict()["tempo"] == pytest.approx(REFERENCE_TEMPO, rel=0.02)
    assert {"analyze", "speak", "sing", "accompany", "mix", "write"} <= set(result.timings)


def test_result_reports_cpu_seconds_for_every_timed_stage_the_speaking_threads_included(song):
    result, _, _ = song

    assert set(result.cpu_seconds) == set(result.timings)
    assert result.cpu_seconds["speak"] > 0


def test_same_seed_gives_a_byte_identical_song(song, chord_loop_reference, tmp_path):
    _, first_path, _ = song

    render(chord_loop_reference, LYRICS, 7, tmp_path / "again.mp3")

    assert (tmp_path / "again.mp3").read_bytes() == first_path.read_bytes()


def test_different_seeds_give_a_different_melody_and_arrangement(song, chord_loop_reference, tmp_path):
    first, first_path, _ = song

    other = render(chord_loop_reference, LYRICS, 8, tmp_path / "other.mp3")

    assert [note[2] for note in other.sung_notes] != [note[2] for note in first.sung_notes]
    first_audio, _ = soundfile.read(str(first_path))
    other_audio, _ = soundfile.read(str(tmp_path / "other.mp3"))
    length = min(len(first_audio), len(other_audio))
    assert not np.allclose(first_audio[:length], other_audio[:length], atol=0.05)
