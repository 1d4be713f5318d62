"""Turning a spoken line into a sung one with the WORLD vocoder.

The line is analysed into pitch, spectral envelope and aperiodicity every 5 ms. Syllables are
located in the speech by aligning a coarse "how vowel-like" template of the phonemes with the
measured voiced loudness (dynamic time warping); where the vowels begin gives the melody its rhythm
(engine/melody.py). The speech is then played on the notes: each vowel onset on its note's start,
the speech between two onsets stretched or squeezed evenly to fit, the last vowel held, and the
pitch following the melody with a little vibrato.
"""

from dataclasses import dataclass

import numpy as np
import pyworld

from .phonemes import LENGTH_MARK, PAUSE_MARKS, PRIMARY_STRESS, SECONDARY_STRESS, SONORANTS, VOICED_OBSTRUENTS, is_vowel
from .singer import midi_to_hz

FRAME_SECONDS = 0.005
# Seconds of consonants kept before a line's first vowel and after its last: in practice all of them
# (cutting consonants to 0.1 s cost words: pocketsphinx, on other lyrics than the benchmark's, heard
# 39% at 0.1 s and 45% at 0.3 s on a 0.2 s grid).
LONGEST_CONSONANTS = 0.30
# Seconds past a line's last phoneme still taken as its coda: the alignment's slack, not the
# silence the voice leaves after speaking.
CODA_SLACK = 0.10
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
    # Every line's analysis is held until the song is composed and sung (about 5 MB a line as
    # doubles): single precision halves that, and its rounding is far below what 16-bit audio keeps.
    envelope = pyworld.cheaptrick(signal, f0, times, rate).astype(np.float32)
    aperiodicity = pyworld.d4c(signal, f0, times, rate).astype(np.float32)
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
    """Output-frame maps: which source frame to play and which pitch to sing, per 5 ms.

    The speech is played once, in order, from the line's first consonant to its last: each vowel
    onset lands on its note's start and the speech between two onsets (the vowel, its coda and the
    next onset) is stretched or squeezed evenly to fill the room between. The line's last vowel is
    held to its note's end and its coda follows at the speed it was spoken."""
    longest = int(LONGEST_CONSONANTS / FRAME_SECONDS)
    slack = int(CODA_SLACK / FRAME_SECONDS)
    onsets = []  # where each vowel begins in the speech, one frame at least after the one before
    for syllable in line_syllables:
        frame = int(phoneme_frames[syllable.nucleus_start])
        onsets.append(max(frame, onsets[-1] + 1) if onsets else frame)
    first, last = line_syllables[0], line_syllables[-1]
    lead = min(onsets[0] - int(phoneme_frames[first.start]), longest)
    last_vowel_end = max(int(phoneme_frames[last.nucleus_end]), onsets[-1] + 1)
    coda = min(frame_count, int(phoneme_frames[last.end]) + slack) - last_vowel_end
    coda = min(max(coda, 0), longest)
    line_start = notes[0].start - lead * FRAME_SECONDS
    total = int(round((notes[-1].end - line_start) / FRAME_SECONDS))
    note_starts = [int(round((note.start - line_start) / FRAME_SECONDS)) for note in notes]
    pieces = [np.arange(onsets[0] - lead, onsets[0], dtype=float)]
    for number in range(len(notes) - 1):
        room = max(1, note_starts[number + 1] - note_starts[number])
        # A pause the voice left between two syllables (at a comma) is not sung: the syllable
        # before it is stretched over its time instead, so the line stays one phrase.
        pause_start = int(phoneme_frames[line_syllables[number].end]) + slack
        pause_end = int(phoneme_frames[line_syllables[number + 1].start])
        kept = np.arange(onsets[number], onsets[number + 1])
        in_pause = (kept >= pause_start) & (kept < pause_end)
        if not in_pause.all():  # where the alignment squeezed syllables together, keep something
            kept = kept[~in_pause]
        position = np.linspace(0, len(kept), room, endpoint=False)
        pieces.append(kept[position.astype(int)] + position % 1)
    held = max(1, total - note_starts[-1] - coda)
    pieces.append(np.linspace(onsets[-1], last_vowel_end, held, endpoint=False))
    pieces.append(np.arange(last_vowel_end, last_vowel_end + coda, dtype=float))
    source_index = np.concatenate(pieces)[:total]
    # Each note is sung from where its syllable's first consonant is heard.
    heard_from = np.searchsorted(source_index, [phoneme_frames[syllable.start] for syllable in line_syllables])
    pitch_starts = np.minimum(heard_from, note_starts)
    pitch_starts[1:] = np.maximum(pitch_starts[1:], np.array(note_starts[:-1]) + 1)
    pitch_starts[0] = 0
    pitch_ends = list(pitch_starts[1:]) + [total]
    target_midi = np.zeros(total)
    in_vowel = np.zeros(total, dtype=bool)
    for syllable, note, note_start, begin, end in zip(
        line_syllables, notes, note_starts, pitch_starts, pitch_ends, strict=True
    ):
        target_midi[begin:end] = _with_vibrato(note.midi, end - begin, note_start - begin)
        vowel = (phoneme_frames[syllable.nucleus_start], phoneme_frames[syllable.nucleus_end])
        in_vowel |= (source_index >= vowel[0]) & (source_index < vowel[1])
    return source_index, target_midi, in_vowel, line_start


def _with_vibrato(midi: int, length: int, onset: int) -> np.ndarray:
    seconds = (np.arange(length) - onset) * FRAME_SECONDS
    depth = VIBRATO_SEMITONES * np.clip((seconds - VIBRATO_DELAY) / 0.2, 0, 1)
    return midi + depth * np.sin(2 * np.pi * VIBRATO_HZ * np.maximum(seconds, 0))


def _resynthesise(source_index, target_midi, in_vowel, f0, envelope, aperiodicity, rate):
    """(samples, voiced or not per output frame); every output frame plays a source frame (_warp)."""
    position = np.clip(source_index, 0, len(f0) - 1)
    lower = np.floor(position).astype(int)
    upper = np.minimum(lower + 1, len(f0) - 1)
    fraction = (position - lower)[:, None]
    out_envelope = envelope[lower] * (1 - fraction) + envelope[upper] * fraction
    out_aperiodicity = aperiodicity[lower] * (1 - fraction) + aperiodicity[upper] * fraction
    # A vowel stays voiced even where the pitch tracker lost it, or the stretch would hiss.
    voiced = (f0[lower] > 0) | in_vowel
    glide = max(1, int(GLIDE_SECONDS / FRAME_SECONDS))
    smoothed = np.convolve(np.pad(target_midi, glide, mode="edge"), np.ones(glide) / glide, mode="same")[glide:-glide]
    out_f0 = np.where(voiced, midi_to_hz(smoothed), 0.0)
    samples = pyworld.synthesize(
        np.ascontiguousarray(out_f0),
        np.ascontiguousarray(out_envelope, dtype=np.float64),
        np.ascontiguousarray(out_aperiodicity, dtype=np.float64),
        rate,
        FRAME_SECONDS * 1000,
    )
    return samples, voiced
