"""Generated references and songs rendered once per test session, shared by the engine tests.

Rendering is the slow part (the voice model loads once per process, then about a second per
sung line), so each song is rendered once and several tests read it.
"""

import numpy as np
import pytest
import soundfile

from bench.synthetic import write_reference
from engine import render

REFERENCE_TEMPO = 120.0
REFERENCE_TONIC = 0  # C
REFERENCE_MODE = "major"
# Punctuation, a number, a contraction, accents, an emoji and a non-Latin word, all at once.
LYRICS = "Hello world, it's 4 you! 🎵\nSing along tonight, mon cœur 你好"


@pytest.fixture(scope="session")
def engine_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("engine")


@pytest.fixture(scope="session")
def chord_loop_reference(engine_dir):
    """20 s of drums and a C major chord loop at 120 BPM."""
    path = engine_dir / "chord-loop-120-c-major.wav"
    write_reference(path, tempo=REFERENCE_TEMPO, tonic=REFERENCE_TONIC, mode=REFERENCE_MODE, seconds=20.0, channels=2)
    return path


@pytest.fixture(scope="session")
def song(engine_dir, chord_loop_reference):
    """(result, mp3 path, stems folder) of a two-line song over the chord loop reference."""
    out_path, stems = engine_dir / "song.mp3", engine_dir / "stems"
    result = render(chord_loop_reference, LYRICS, 7, out_path, stems_dir=stems)
    return result, out_path, stems


@pytest.fixture(scope="session")
def song_with_intro_and_outro(engine_dir, chord_loop_reference):
    out_path, stems = engine_dir / "song-intro-outro.mp3", engine_dir / "stems-intro-outro"
    result = render(chord_loop_reference, f"##\n{LYRICS}\n##", 7, out_path, stems_dir=stems)
    return result, out_path, stems


def vocal_phrases(vocal_path, shortest_gap: float = 0.25) -> list:
    """(start, end) seconds of the stretches of singing separated by silence in a dry vocal."""
    samples, rate = soundfile.read(str(vocal_path), dtype="float32")
    block = int(0.02 * rate)
    frames = samples[: len(samples) // block * block].reshape(-1, block)
    level = 10 * np.log10((frames**2).mean(axis=1) + 1e-12)
    active = level > level.max() - 40
    phrases = []
    for index in np.flatnonzero(active):
        start = index * 0.02
        if phrases and start - phrases[-1][1] < shortest_gap:
            phrases[-1][1] = start + 0.02
        else:
            phrases.append([start, start + 0.02])
    return [(start, end) for start, end in phrases if end - start >= 0.3]
