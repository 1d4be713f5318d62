"""The speaking voices the singer is made from."""

import importlib
import os
import shutil
import subprocess
import sys

import pytest

from engine.phonemes import syllables
from engine.voice import LOWER_VOICE, EspeakVoice, load_voice


def test_the_voice_is_loaded_once_per_process():
    assert load_voice() is load_voice()


def test_kokoro_speaks_a_line_with_phonemes_that_split_into_its_syllables():
    spoken = load_voice().say("Hello world, it's 4 you", LOWER_VOICE)

    assert load_voice().name == "kokoro"
    assert len(syllables(spoken.phonemes)) >= 6  # hel-lo world it's four you
    assert len(spoken.audio) / spoken.rate > 0.5


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="the espeak-ng command is not installed")
def test_espeak_fallback_sings_a_whole_song(tmp_path, monkeypatch, chord_loop_reference):
    render_module = importlib.import_module("engine.render")
    monkeypatch.setattr(render_module, "load_voice", EspeakVoice)

    result = render_module.render(chord_loop_reference, "one small line\nand another", 1, tmp_path / "song.mp3")

    assert result.voice.startswith("espeak-ng")
    assert len(result.sung_notes) >= 7


def test_processes_loading_the_voice_at_once_on_a_fresh_machine_all_get_kokoro(tmp_path):
    # The model is assembled from its wheels into a cache on first use; an empty cache is a fresh
    # machine, and two Celery workers (or a benchmark's pool) load the voice at the same moment.
    environment = os.environ | {"KOKORO_JA_CACHE": str(tmp_path)}
    loading = "from engine.voice import load_voice; print(load_voice().name)"
    processes = [
        subprocess.Popen([sys.executable, "-c", loading], env=environment, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]

    names = [process.communicate(timeout=120)[0].strip() for process in processes]

    assert names == ["kokoro"] * 3
