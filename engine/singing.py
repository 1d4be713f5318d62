"""Turning a spoken line into a sung one with the WORLD vocoder.

The line is analysed into pitch, spectral envelope and aperiodicity every 5 ms. Syllables are
located in the speech by aligning a coarse "how vowel-like" template of the phonemes with the
measured voiced loudness (dynamic time warping); where the vowels begin gives the melody its rhythm
(engine/melody.py). Each syllable is then laid on its note: its consonants keep their spoken
length, its vowel is stretched to fill the note, and the pitch follows the melody with a little
vibrato.
"""

from dataclasses import dataclass

import numpy as np
import pyworld

from .phonemes import LENGTH_MARK, PAUSE_MARKS, PRIMARY_STRESS, SECONDARY_STRESS, SONORANTS, VOICED_OBSTRUENTS, is_vowel
from .singer import midi_to_hz

FRAME_SECONDS = 0.005
# Seconds of onset or coda kept per syllable: in practice all of it. Now that notes follow the spoken
# rhythm there is room for whole consonants, and cutting them to 0.1 s cost words (pocketsphinx, on
# other lyrics than the benchmark's: 39% heard at 0.1 s, 45% at 0.3 s on a 0.2 s grid; 52% at
# 0.3 s and 53% at 0.6 s on the 0.1 s grid).
LONGEST_CONSONANTS = 0.30
# Seconds past a syllable's last phoneme still taken as its coda: the alignment's slack. More would
# copy the speech's pause at a comma into the song as silence, breaking the line in two.
CODA_SLACK = 0.10
# Measured with pocketsphinx: stretching syllables 1.5x keeps most words recognisable, 2x
# loses a third of them, 3x nearly all.
LONGEST_STRETCH = 1.8
SHORTEST_VOWEL = 0.12  # seconds; short spoken vowels may still grow to this
LONGEST_DETACHED_GAP = 0.12  # seconds of silence a detached note may leave inside a phrase
VIBRATO_HZ = 5.5
VIBRATO_SEMITONES = 0.15
VIBRATO_DELAY = 0.25  # seconds into a note before vibrato starts
GLIDE_SECONDS = 0.03  # pitch smoothing between notes
HEARD_LEAD = 0.1  # seconds of unvoiced consonant counted into a line's heard start


@dataclass
class Note:
    start: float  # seconds from the song start; the vowel begins here
    end: float
    midi: int


@dataclass
class AnalysedLine:
    """A spoken line taken apart by WORLD every 5 ms, and the frame where each phoneme starts."""

    rate: int
    f0: np.ndarray
    envelope: np.ndarray
    aperiodicity: np.ndarray
    phoneme_frames: np.ndarray

    def vowel_onsets(self, line_syllables: list) -> list:
        """Seconds into the speech at which each syllable's vowel begins."""
        return [float(self.phoneme_frames[syllable.nucleus_start]) * FRAME_SECONDS for syllable in line_syllables]


def analyse_line(audio: np.ndarray, rate: int, phonemes: str) -> AnalysedLine:
    signal = audio.astype(np.float64)
    f0, times = pyworld.dio(signal, rate, frame_period=FRAME_SECONDS * 1000)
    f0 = pyworld.stonemask(signal, f0, times, rate)
    envelope = pyworld.cheaptrick(signal, f0, times, rate)
    aperiodicity = pyworld.d4c(signal, f0, times, rate)
    phoneme_frames = align_phonemes(phonemes, _vowel_likeness(signal, rate, f0))
    return AnalysedLine(rate, f0, envelope, aperiodicity, phoneme_frames)


def sing_line(line: AnalysedLine, line_syllables: list, notes: list):
    """Sung audio of one line, the song time in seconds at which the audio starts, and the song
    time at which the line is heard to start: its first voiced sound, or up to HEARD_LEAD before it
    where unvoiced consonants lead in (a whole "str" can take 0.3 s)."""
    source_index, target_midi, in_vowel, line_start = _warp(line_syllables, line.phoneme_frames, len(line.f0), notes)
    sung, voiced = _resynthesise(
        source_index, target_midi, in_vowel, line.f0, line.envelope, line.aperiodicity, line.rate
    )
    first_voiced = line_start + np.argmax(voiced) * FRAME_SECONDS if voiced.any() else line_start
    return sung.astype(np.float32), line_start, max(line_start, first_voiced - HEARD_LEAD)


def _vowel_likeness(signal: np.ndarray, rate: int, f0: np.ndarray) -> np.ndarray:
    """Per frame, 0..1: loud and voiced like a vowel, or quiet/unvoiced like a consonant."""
    hop = int(rate * FRAME_SECONDS)
    padded = np.pad(signal, (hop * 2, hop * 2))
    frames = np.lib.stride_tricks.sliding_window_view(padded, hop * 4)[::hop][: len(f0)]
    level = 10 * np.log10(np.mean(frames**2, axis=1) + 1e-10)
    loudness = np.clip((level - (level.max() - 30)) / 30, 0, 1)
    return loudness * (f0 > 0)


def _expected_symbol(symbol: str):
    """(seconds, vowel-likeness) a phoneme symbol is expected to take in quick speech."""
    if symbol in (PRIMARY_STRESS, SECONDARY_STRESS, " "):
        return 0.0, 0.0
    if symbol == LENGTH_MARK:
        return 0.05, 1.0
    if symbol in PAUSE_MARKS:
        return 0.2, 0.0
    if is_vowel(symbol):
        return 0.09, 1.0
    if symbol in SONORANTS:
        return 0.06, 0.6
    if symbol in VOICED_OBSTRUENTS:
        return 0.06, 0.3
    return 0.07, 0.0


def align_phonemes(phonemes: str, observed: np.ndarray) -> np.ndarray:
    """First observed frame of every phoneme symbol, by DTW against the expected template."""
    expected = [_expected_symbol(symbol) for symbol in phonemes]
    seconds = np.array([duration for duration, _ in expected])
    scale = len(observed) / max(seconds.sum(), 1e-6)
    frame_counts = np.maximum(np.round(seconds * scale), 0).astype(int)
    template = np.concatenate(
        [np.full(count, value) for count, (_, value) in zip(frame_counts, expected, strict=False)] + [np.zeros(0)]
    )
    if len(template) == 0:
        return np.zeros(len(phonemes) + 1, dtype=int)
    template_of_observed = _dtw_path(observed, template)
    symbol_starts = np.concatenate([[0], np.cumsum(frame_counts)])
    # For each symbol boundary in the template, the first observed frame mapped at or past it.
    return np.searchsorted(template_of_observed, symbol_starts, side="left")


def _dtw_path(observed: np.ndarray, template: np.ndarray) -> np.ndarray:
    """For every observed frame, the template frame it aligns with (monotonic, 0..2 steps)."""
    rows, columns = len(observed), len(template)
    cost = np.abs(observed[:, None] - template[None, :])
    total = np.full((rows, columns), np.inf)
    step = np.zeros((rows, columns), dtype=np.int8)
    total[0, 0] = cost[0, 0]
    penalty = (0.05, 0.0, 0.05)  # staying or skipping is allowed but mildly discouraged
    for row in range(1, rows):
        previous = total[row - 1]
        options = np.stack(
            [
                previous + penalty[0],
                np.concatenate([[np.inf], previous[:-1]]) + penalty[1],
                np.concatenate([[np.inf, np.inf], previous[:-2]]) + penalty[2],
            ]
        )
        step[row] = np.argmin(options, axis=0)
        total[row] = cost[row] + options[step[row], np.arange(columns)]
    path = np.zeros(rows, dtype=int)
    column = columns - 1
    for row in range(rows - 1, -1, -1):
        path[row] = column
        column = max(0, column - int(step[row, column]))
    return path


def _warp(line_syllables: list, phoneme_frames: np.ndarray, frame_count: int, notes: list):
    """Output-frame maps: which source frame to play and which pitch to sing, per 5 ms."""
    longest = int(LONGEST_CONSONANTS / FRAME_SECONDS)
    spans = []
    for number, (syllable, note) in enumerate(zip(line_syllables, notes, strict=False)):
        start, nucleus_start = phoneme_frames[syllable.start], phoneme_frames[syllable.nucleus_start]
        nucleus_end = max(phoneme_frames[syllable.nucleus_end], nucleus_start + 1)
        following = line_syllables[number + 1].start if number + 1 < len(line_syllables) else None
        end = phoneme_frames[following] if following is not None else frame_count
        end = min(end, phoneme_frames[syllable.end] + int(CODA_SLACK / FRAME_SECONDS))
        spans.append((start, nucleus_start, nucleus_end, max(end, nucleus_end), note))
    line_start = notes[0].start - min(spans[0][1] - spans[0][0], longest) * FRAME_SECONDS
    total = int(round((notes[-1].end - line_start) / FRAME_SECONDS))
    source_index = np.full(total, -1.0)
    target_midi = np.zeros(total)
    in_vowel = np.zeros(total, dtype=bool)
    for number, (start, nucleus_start, nucleus_end, end, note) in enumerate(spans):
        onset = min(nucleus_start - start, longest)
        coda = min(end - nucleus_end, longest)
        out_begin = int(round((note.start - line_start) / FRAME_SECONDS)) - onset
        next_note = notes[number + 1] if number + 1 < len(notes) else None
        joined = next_note is not None and next_note.start - note.end < 0.01
        out_end = int(round((note.end - line_start) / FRAME_SECONDS))
        if joined:
            next_onset = min(spans[number + 1][1] - spans[number + 1][0], longest)
            out_end -= next_onset
        out_begin, out_end = max(0, out_begin), min(total, max(out_end, out_begin + 1))
        length = out_end - out_begin
        vowel = max(1, length - onset - coda)
        if number + 1 < len(spans):
            # Vowels stretched far beyond speech stop sounding like words; inside a phrase
            # the syllable ends a little early instead (a detached note), but never leaves a
            # gap long enough to sound like the end of the phrase. Its last note is held.
            natural = nucleus_end - nucleus_start
            stretched = max(int(SHORTEST_VOWEL / FRAME_SECONDS), int(natural * LONGEST_STRETCH))
            vowel = max(min(vowel, stretched), vowel - int(LONGEST_DETACHED_GAP / FRAME_SECONDS))
            out_end = out_begin + min(length, onset + vowel + coda)
            length = out_end - out_begin
        if onset + coda + 1 > length:  # a very short note: squeeze the whole syllable in
            pieces = np.linspace(start, end, length, endpoint=False)
        else:
            pieces = np.concatenate(
                [
                    np.linspace(nucleus_start - onset, nucleus_start, onset, endpoint=False),
                    np.linspace(nucleus_start, nucleus_end, vowel, endpoint=False),
                    np.linspace(nucleus_end, nucleus_end + coda, coda, endpoint=False),
                ]
            )
        source_index[out_begin:out_end] = pieces[:length]
        target_midi[out_begin:out_end] = _with_vibrato(note.midi, length, onset)
        in_vowel[out_begin + onset : out_begin + onset + vowel] = onset + coda + 1 <= length
    return source_index, target_midi, in_vowel, line_start


def _with_vibrato(midi: int, length: int, onset: int) -> np.ndarray:
    seconds = (np.arange(length) - onset) * FRAME_SECONDS
    depth = VIBRATO_SEMITONES * np.clip((seconds - VIBRATO_DELAY) / 0.2, 0, 1)
    return midi + depth * np.sin(2 * np.pi * VIBRATO_HZ * np.maximum(seconds, 0))


def _resynthesise(source_index, target_midi, in_vowel, f0, envelope, aperiodicity, rate):
    """(samples, voiced or not per output frame)."""
    silent = source_index < 0
    position = np.clip(source_index, 0, len(f0) - 1)
    lower = np.floor(position).astype(int)
    upper = np.minimum(lower + 1, len(f0) - 1)
    fraction = (position - lower)[:, None]
    out_envelope = envelope[lower] * (1 - fraction) + envelope[upper] * fraction
    out_aperiodicity = aperiodicity[lower] * (1 - fraction) + aperiodicity[upper] * fraction
    out_envelope[silent] = 1e-12
    out_aperiodicity[silent] = 1.0
    # A vowel stays voiced even where the pitch tracker lost it, or the stretch would hiss.
    voiced = ((f0[lower] > 0) | in_vowel) & ~silent
    glide = max(1, int(GLIDE_SECONDS / FRAME_SECONDS))
    smoothed = np.convolve(np.pad(_fill_rests(target_midi), glide, mode="edge"), np.ones(glide) / glide, mode="same")[
        glide:-glide
    ]
    out_f0 = np.where(voiced, midi_to_hz(smoothed), 0.0)
    samples = pyworld.synthesize(
        np.ascontiguousarray(out_f0),
        np.ascontiguousarray(out_envelope),
        np.ascontiguousarray(out_aperiodicity),
        rate,
        FRAME_SECONDS * 1000,
    )
    return samples, voiced


def _fill_rests(target_midi: np.ndarray) -> np.ndarray:
    """Carry the last sung pitch through rests so smoothing never glides from zero."""
    sung = np.flatnonzero(target_midi > 0)
    if len(sung) == 0:
        return target_midi
    nearest = sung[np.clip(np.searchsorted(sung, np.arange(len(target_midi)), side="right") - 1, 0, None)]
    return target_midi[nearest]
