"""Where the reference's singer sits: the median and range of the sung pitch, if any.

A harmonic-sum pitch salience follows the most prominent pitched line. A voice differs from
the instruments around it in that its pitch is never perfectly still (vibrato, drift, glides),
so only continuous pitch tracks that also move a little, but not a lot, count as singing.
"""

from dataclasses import dataclass

import numpy as np

from .spectrum import Spectrogram

LOWEST_MIDI = 45.0  # A2, below most sung melodies
HIGHEST_MIDI = 84.0  # C6
CANDIDATE_STEP = 0.2  # semitones
HARMONICS = 8
SHORTEST_TRACK_SECONDS = 0.18
LEAST_WOBBLE = 0.08  # semitones of standard deviation within a track: a voice is never still
MOST_WOBBLE = 1.0  # beyond this a "track" is a drum's pitch sweep, not a held note
PITCHED_PROMINENCE = 1.3
SUNG_SHARE = 0.08  # of frames, for vocals to count as found


@dataclass
class SingerRegister:
    vocals_found: bool
    median_midi: float
    low_midi: float
    high_midi: float


def midi_to_hz(midi):
    return 440.0 * 2 ** ((np.asarray(midi, dtype=float) - 69) / 12)


def _salience_weights(frequencies: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Matrix mapping a magnitude frame to the harmonic-sum salience of every candidate."""
    bin_width = frequencies[1] - frequencies[0]
    weights = np.zeros((len(candidates), len(frequencies)), dtype=np.float32)
    for harmonic in range(1, HARMONICS + 1):
        position = midi_to_hz(candidates) * harmonic / bin_width
        lower = np.floor(position).astype(int)
        fraction = position - lower
        inside = lower + 1 < len(frequencies)
        rows = np.arange(len(candidates))[inside]
        weight = 0.8 ** (harmonic - 1)
        weights[rows, lower[inside]] += weight * (1 - fraction[inside])
        weights[rows, lower[inside] + 1] += weight * fraction[inside]
    return weights


def _tracks(pitch: np.ndarray, strong: np.ndarray):
    """Runs of strong frames whose pitch moves by less than a semitone frame to frame."""
    start = None
    for index in range(len(pitch) + 1):
        continues = (
            index < len(pitch) and strong[index] and (start is None or abs(pitch[index] - pitch[index - 1]) < 1.0)
        )
        if continues and start is None:
            start = index
        elif not continues and start is not None:
            yield start, index
            start = index if index < len(pitch) and strong[index] else None


def find_singer(spec: Spectrogram) -> SingerRegister:
    candidates = np.arange(LOWEST_MIDI, HIGHEST_MIDI, CANDIDATE_STEP)
    salience = np.log1p(spec.magnitude) @ _salience_weights(spec.frequencies, candidates).T
    pitch = candidates[np.argmax(salience, axis=1)]
    # A pitched frame has one candidate standing well above the rest; drums and noise do not.
    average = salience.mean(axis=1)
    strong = salience.max(axis=1) > PITCHED_PROMINENCE * np.maximum(average, 1e-9)
    shortest = int(SHORTEST_TRACK_SECONDS * spec.frame_rate)
    sung = np.zeros(len(pitch), dtype=bool)
    for start, end in _tracks(pitch, strong):
        # A track pinned to the bottom of the range is a bass drum's ringing tail.
        above_floor = np.median(pitch[start:end]) >= LOWEST_MIDI + 1
        if end - start >= shortest and above_floor and LEAST_WOBBLE <= np.std(pitch[start:end]) <= MOST_WOBBLE:
            sung[start:end] = True
    if sung.mean() < SUNG_SHARE:
        return SingerRegister(False, 0.0, 0.0, 0.0)
    sung_pitch = pitch[sung]
    return SingerRegister(
        vocals_found=True,
        median_midi=round(float(np.median(sung_pitch)), 1),
        low_midi=round(float(np.percentile(sung_pitch, 10)), 1),
        high_midi=round(float(np.percentile(sung_pitch, 90)), 1),
    )
