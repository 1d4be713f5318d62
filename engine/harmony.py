"""Key and mode by the Krumhansl-Kessler profiles, and one diatonic chord per bar."""

from dataclasses import dataclass

import numpy as np

from .spectrum import Spectrogram

PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
MAJOR_PROFILE = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR_PROFILE = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
# Diatonic triads as (semitones above the tonic, quality). Minor keys also get the major V
# of harmonic minor, which most minor-key pop uses.
DIATONIC_TRIADS = {
    "major": ((0, "maj"), (2, "min"), (4, "min"), (5, "maj"), (7, "maj"), (9, "min")),
    "minor": ((0, "min"), (3, "maj"), (5, "min"), (7, "min"), (7, "maj"), (8, "maj"), (10, "maj")),
}
TRIAD_INTERVALS = {"maj": (0, 4, 7), "min": (0, 3, 7)}


@dataclass
class Chord:
    root: int  # pitch class, 0 = C
    quality: str  # "maj" or "min"

    @property
    def name(self) -> str:
        return PITCH_CLASSES[self.root] + ("m" if self.quality == "min" else "")

    def pitch_classes(self) -> list:
        return [(self.root + interval) % 12 for interval in TRIAD_INTERVALS[self.quality]]


LOWEST_CHROMA_MIDI = 43  # G2: below it, bins are wider than a semitone
HIGHEST_CHROMA_MIDI = 84  # C6: above it, mostly overtones of lower notes


def chroma(spec: Spectrogram) -> np.ndarray:
    """Tonal energy per pitch class and frame.

    Each semitone takes its strongest bin (so high notes, which span more bins, do not
    outweigh low ones), and a semitone counts only by how far it rises above its octave's
    median, so drums and noise, which are broadband, add nearly nothing.
    """
    notes = np.arange(LOWEST_CHROMA_MIDI, HIGHEST_CHROMA_MIDI + 1)
    edges = 440.0 * 2 ** ((np.append(notes - 0.5, notes[-1] + 0.5) - 69) / 12)
    bin_edges = np.searchsorted(spec.frequencies, edges)
    log_magnitude = np.log1p(10 * spec.magnitude)
    semitones = np.stack(
        [
            log_magnitude[:, low : max(high, low + 1)].max(axis=1)
            for low, high in zip(bin_edges[:-1], bin_edges[1:], strict=False)
        ],
        axis=1,
    )
    padded = np.pad(semitones, ((0, 0), (6, 6)), mode="edge")
    local_median = np.median(np.lib.stride_tricks.sliding_window_view(padded, 13, axis=1), axis=2)
    tonal = np.maximum(0.0, semitones - local_median)
    by_class = np.zeros((len(semitones), 12), dtype=np.float32)
    for column, note in enumerate(notes):
        by_class[:, note % 12] += tonal[:, column]
    return by_class


def estimate_key(pitch_class_energy: np.ndarray):
    """The (tonic, mode) whose profile correlates best with the summed chroma; C major when
    nothing tonal sounds at all."""
    best = (0, "major", -2.0)
    if np.std(pitch_class_energy) == 0:
        return best[0], best[1]
    for tonic in range(12):
        for mode, profile in (("major", MAJOR_PROFILE), ("minor", MINOR_PROFILE)):
            correlation = np.corrcoef(pitch_class_energy, np.roll(profile, tonic))[0, 1]
            if np.isfinite(correlation) and correlation > best[2]:
                best = (tonic, mode, correlation)
    return best[0], best[1]


def diatonic_chords(tonic: int, mode: str) -> list:
    return [Chord((tonic + offset) % 12, quality) for offset, quality in DIATONIC_TRIADS[mode]]


def chords_per_bar(frame_chroma: np.ndarray, bar_starts: np.ndarray, tonic: int, mode: str) -> list:
    """For each bar, the diatonic triad whose notes hold the most of the bar's chroma."""
    candidates = diatonic_chords(tonic, mode)
    templates = np.zeros((len(candidates), 12))
    for row, chord in enumerate(candidates):
        templates[row, chord.pitch_classes()] = 1.0
        templates[row, chord.root] = 1.5  # the root usually sounds loudest, in the bass
    chords = []
    for start, end in zip(bar_starts[:-1], bar_starts[1:], strict=False):
        bar_energy = frame_chroma[int(start) : max(int(start) + 1, int(end))].sum(axis=0)
        if bar_energy.sum() <= 0:
            chords.append(candidates[0])
            continue
        chords.append(candidates[int(np.argmax(templates @ (bar_energy / bar_energy.sum())))])
    return chords or [candidates[0]]
