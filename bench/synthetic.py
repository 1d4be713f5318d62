"""Synthetic references with a known tempo, key and singer, for the tests and the benchmark.

Drums (sine-sweep kick, noise snare and hats), a one-chord-per-bar loop of additive tones
with a bass, and optionally a "singer": a harmonic tone with vibrato walking the scale.
"""

import numpy as np
import soundfile

from engine.harmony import Chord
from engine.melody import MAJOR_SCALE, MINOR_SCALE
from engine.singer import midi_to_hz

# Scale degrees (0-based) of a one-bar-per-chord loop, and the chord quality on each.
LOOPS = {
    "major": ((0, "maj"), (7, "maj"), (9, "min"), (5, "maj")),
    "minor": ((0, "min"), (8, "maj"), (5, "min"), (7, "maj")),
}


def _tone(frequency: float, seconds: float, rate: int, harmonics: int = 6, vibrato_cents: float = 0.0) -> np.ndarray:
    time = np.arange(int(seconds * rate)) / rate
    wobble = 2 ** (vibrato_cents / 1200 * np.sin(2 * np.pi * 5.5 * time))
    phase = 2 * np.pi * np.cumsum(frequency * wobble) / rate
    tone = sum(np.sin(phase * harmonic) / harmonic for harmonic in range(1, harmonics + 1))
    fade = np.minimum(1, np.minimum(time / 0.01, (seconds - time) / 0.05))
    return tone * np.clip(fade, 0, 1)


def _add(track: np.ndarray, sound: np.ndarray, at: float, rate: int) -> None:
    start = int(at * rate)
    piece = sound[: max(0, len(track) - start)]
    track[start : start + len(piece)] += piece


def drums(tempo: float, seconds: float, rate: int, rng) -> np.ndarray:
    track = np.zeros(int(seconds * rate))
    beat = 60.0 / tempo
    time = np.arange(int(0.15 * rate)) / rate
    kick = np.sin(2 * np.pi * np.cumsum(50 + 70 * np.exp(-time / 0.03)) / rate) * np.exp(-time / 0.05)
    snare = rng.standard_normal(len(time)) * np.exp(-time / 0.04) * 0.5
    hat = np.diff(rng.standard_normal(len(time) // 3), prepend=0) * np.exp(-time[: len(time) // 3] / 0.01) * 0.15
    for number in range(int(seconds / beat)):
        _add(track, kick if number % 2 == 0 else snare, number * beat, rate)
        _add(track, hat, number * beat, rate)
        _add(track, hat * 0.6, (number + 0.5) * beat, rate)
    return track


def chord_loop(tonic: int, mode: str, tempo: float, seconds: float, rate: int) -> np.ndarray:
    track = np.zeros(int(seconds * rate))
    bar = 4 * 60.0 / tempo
    for number in range(int(np.ceil(seconds / bar))):
        offset, quality = LOOPS[mode][number % 4]
        chord = Chord((tonic + offset) % 12, quality)
        for pitch_class in chord.pitch_classes():
            _add(track, 0.12 * _tone(float(midi_to_hz(60 + (pitch_class - 60) % 12)), bar, rate), number * bar, rate)
        _add(
            track,
            0.2 * _tone(float(midi_to_hz(36 + (chord.root - 36) % 12)), bar, rate, harmonics=3),
            number * bar,
            rate,
        )
    return track


SINGER_STEPS = (0, 1, 2, 1, 0, -1, -2, -1)  # scale steps around the middle, one per beat


def singer(tonic: int, mode: str, tempo: float, seconds: float, rate: int, middle_midi: int) -> np.ndarray:
    """A melody that circles its middle note in the key, with vibrato and a breath every two bars."""
    track = np.zeros(int(seconds * rate))
    scale = MAJOR_SCALE if mode == "major" else MINOR_SCALE
    in_key = [tonic + 12 * octave + step for octave in range(-1, 10) for step in scale]
    middle = min(range(len(in_key)), key=lambda index: abs(in_key[index] - middle_midi))
    beat = 60.0 / tempo
    for number in range(int(seconds / beat)):
        if number % 8 == 7:
            continue
        midi = in_key[middle + SINGER_STEPS[number % len(SINGER_STEPS)]]
        _add(
            track,
            0.25 * _tone(float(midi_to_hz(midi)), beat * 0.95, rate, harmonics=10, vibrato_cents=40),
            number * beat,
            rate,
        )
    return track


def write_reference(
    path,
    *,
    tempo: float,
    tonic: int,
    mode: str,
    seconds: float = 24.0,
    rate: int = 44100,
    channels: int = 1,
    singer_midi=None,
    with_chords: bool = True,
    with_drums: bool = True,
    seed: int = 0,
) -> None:
    """Write a WAV (or MP3, by the path's extension) reference with the given properties."""
    rng = np.random.default_rng(seed)
    mix = drums(tempo, seconds, rate, rng) if with_drums else np.zeros(int(seconds * rate))
    if with_chords:
        mix += chord_loop(tonic, mode, tempo, seconds, rate)
    if singer_midi is not None:
        mix += singer(tonic, mode, tempo, seconds, rate, singer_midi)
    mix = 0.8 * mix / np.abs(mix).max()
    audio = np.stack([mix] * channels, axis=1) if channels > 1 else mix
    soundfile.write(str(path), audio.astype(np.float32), rate)
