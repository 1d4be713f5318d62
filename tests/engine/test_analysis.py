"""What analyze() measures on references whose tempo, key and singer are known."""

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile

from bench.synthetic import write_reference
from engine import analyze
from tests.audio_samples import SHARED_REF


def test_analysis_finds_the_tempo_of_a_click_track(tmp_path):
    path = tmp_path / "click-110.wav"
    write_reference(path, tempo=110.0, tonic=0, mode="major", seconds=20.0, with_chords=False)

    analysis = analyze(path)

    assert analysis.beat_found
    assert analysis.tempo == pytest.approx(110.0, rel=0.02)


def test_silence_has_no_beat_and_gets_a_moderate_tempo(tmp_path):
    path = tmp_path / "silence.wav"
    soundfile.write(str(path), np.zeros(44100 * 20, dtype=np.float32), 44100)

    analysis = analyze(path)

    assert not analysis.beat_found
    assert analysis.tempo == pytest.approx(100.0)
    assert not analysis.vocals_found


def test_sustained_chords_without_drums_get_a_tempo_in_the_usual_range(tmp_path):
    path = tmp_path / "pads.wav"
    write_reference(path, tempo=90.0, tonic=0, mode="major", seconds=20.0, with_drums=False)

    assert 55.0 <= analyze(path).tempo <= 200.0


@pytest.mark.parametrize(
    ("tonic", "mode", "name"), [(0, "major", "C"), (9, "minor", "A"), (2, "minor", "D"), (7, "major", "G")]
)
def test_analysis_finds_key_and_mode_of_a_chord_loop(tmp_path, tonic, mode, name):
    path = tmp_path / "loop.wav"
    write_reference(path, tempo=100.0, tonic=tonic, mode=mode, seconds=20.0)

    analysis = analyze(path)

    assert (analysis.key_tonic, analysis.key_mode) == (name, mode)


def test_analysis_gives_a_chord_per_bar_from_the_key(tmp_path):
    path = tmp_path / "loop.wav"
    write_reference(path, tempo=120.0, tonic=0, mode="major", seconds=20.0)

    analysis = analyze(path)

    assert len(analysis.chords) == pytest.approx(20.0 / 2.0, abs=1)
    assert set(analysis.chords) <= {"C", "Dm", "Em", "F", "G", "Am"}


def test_analysis_finds_the_register_of_a_sung_melody(tmp_path):
    path = tmp_path / "singer.wav"
    write_reference(path, tempo=96.0, tonic=9, mode="minor", seconds=20.0, singer_midi=64, with_chords=False)

    analysis = analyze(path)

    assert analysis.vocals_found
    assert analysis.vocal_median_midi == pytest.approx(64, abs=2)


def test_analysis_finds_no_vocals_in_a_chord_loop(tmp_path):
    path = tmp_path / "loop.wav"
    write_reference(path, tempo=120.0, tonic=0, mode="major", seconds=20.0)

    assert not analyze(path).vocals_found


@pytest.mark.parametrize(("rate", "channels"), [(8000, 1), (96000, 2)])
def test_analysis_reads_mono_and_stereo_at_any_rate_from_8_to_96_khz(tmp_path, rate, channels):
    path = tmp_path / "reference.wav"
    write_reference(path, tempo=100.0, tonic=0, mode="major", seconds=16.0, rate=rate, channels=channels)

    analysis = analyze(path)

    assert analysis.duration == pytest.approx(16.0, abs=0.05)
    assert analysis.tempo == pytest.approx(100.0, rel=0.02)


def test_analysis_of_a_real_song_is_json_ready(tmp_path):
    analysis = analyze(SHARED_REF / "acestep_test_track_001.mp3")

    decoded = json.loads(json.dumps(analysis.to_dict()))

    assert decoded["duration"] == pytest.approx(60.0, abs=0.1)
    assert 60 < decoded["tempo"] < 180
    assert decoded["key_mode"] in ("major", "minor")
    assert decoded["vocals_found"]


def test_command_line_analyze_prints_the_analysis_as_json(tmp_path):
    path = tmp_path / "loop.wav"
    write_reference(path, tempo=100.0, tonic=0, mode="major", seconds=16.0)

    printed = subprocess.run(
        [sys.executable, "-m", "engine", "analyze", str(path)], capture_output=True, text=True, check=True
    ).stdout

    assert json.loads(printed)["key_tonic"] == "C"
