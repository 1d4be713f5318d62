"""A sung melody for one lyric line: rhythm from the line as the voice speaks it, pitches from the key.

Each syllable starts on the grid step nearest to where its vowel falls in plain speech, so the
words keep their spoken rhythm (pauses included) and stay recognisable; the last syllable ends the
phrase about as long as it is spoken, and a rest follows.
Notes on beats are chord tones; the line ends on a chord tone below its middle, the way phrases
come to rest.
"""

from dataclasses import dataclass

import numpy as np

MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
MINOR_SCALE = (0, 2, 3, 5, 7, 8, 10)
BREATH_BEATS = 1.0
ENDING_BEATS = 1.5  # from the last syllable's start: its note, then a rest
# The last note of a phrase, its vowel and final consonants. Held to fill the phrase (up to four
# beats), its vowel was heard as more words than it was: "falls" held 2.3 s came back as "fall if",
# "tonight" as "to nanny" (pocketsphinx, on lyrics other than the benchmark's: 41.1% of words heard
# with held endings, 44.5% with this note; on the 16-lyric corpus the 10th percentile rose from 25% to
# 35%: docs/engine.md, "Fourth change"). The band plays the rest of the phrase.
LAST_NOTE_SECONDS = 0.35


@dataclass
class MelodyNote:
    start_beat: float  # from the start of the phrase
    length_beats: float
    midi: int


SYLLABLE_SECONDS = 0.2  # about the length of a spoken syllable
# The grid the syllables are placed on: the subdivision of the beat (up to sixteenths) closest to a
# tenth of a second. Finer than a syllable, so the spoken rhythm survives the rounding (pocketsphinx,
# on other lyrics than the benchmark's: a 0.2 s grid heard 45% of the words, 0.1 s 52%; letting slow
# songs go finer than sixteenths, 50%).
GRID_SECONDS = 0.1
BEAT_SUBDIVISIONS = (1, 2, 3, 4)  # the grids a line may be placed on: steps per beat


def syllable_grid(tempo: float) -> int:
    """Grid steps per beat whose length is closest to GRID_SECONDS."""
    return min(BEAT_SUBDIVISIONS, key=lambda steps: abs(60.0 / tempo / steps - GRID_SECONDS))


def phrase_rhythm(vowel_onsets: list, steps_per_beat: int, beat_seconds: float) -> list:
    """(start, length) in beats for each syllable, from the seconds into plain speech at which each
    vowel begins: the nearest grid step, one step at least after the syllable before. Each syllable
    lasts until the next begins; the last one is the held phrase ending (its length is the caller's)."""
    step_seconds = beat_seconds / steps_per_beat
    starts = []
    for onset in vowel_onsets:
        position = int(round((onset - vowel_onsets[0]) / step_seconds))
        starts.append(max(position, starts[-1] + 1) if starts else 0)
    lengths = [(later - earlier) / steps_per_beat for earlier, later in zip(starts, starts[1:], strict=False)]
    return [(start / steps_per_beat, length) for start, length in zip(starts, lengths + [0.0], strict=False)]


def phrase_bars(rhythm: list, beats_per_bar: int) -> int:
    """Whole bars the phrase needs, leaving room to end the line and breathe; two bars
    at least, and an even number when it is more than three, so phrases pair up."""
    beats = rhythm[-1][0] + ENDING_BEATS + BREATH_BEATS
    bars = max(2, int(np.ceil(beats / beats_per_bar)))
    return bars + bars % 2 if bars > 3 else bars


def phrase_melody(
    rhythm: list,
    chord_at_beat,
    tonic: int,
    mode: str,
    centre_midi: int,
    beat_seconds: float,
    rng: np.random.Generator,
) -> list:
    """Pitches for a phrase; chord_at_beat(beat) gives the chord sounding at a phrase beat."""
    scale = [(tonic + step) % 12 for step in (MAJOR_SCALE if mode == "major" else MINOR_SCALE)]
    singable = [midi for midi in range(centre_midi - 8, centre_midi + 9) if midi % 12 in scale]
    last_note_beats = LAST_NOTE_SECONDS / beat_seconds
    contour_peak = rng.uniform(0.3, 0.7)  # where in the phrase the line rises highest
    lift = rng.choice([2, 3, 4])
    notes, previous = [], int(rng.choice([m for m in singable if abs(m - centre_midi) <= 3]))
    for number, (start, length) in enumerate(rhythm):
        last = number == len(rhythm) - 1
        progress = number / max(1, len(rhythm) - 1)
        aim = centre_midi + lift * (1 - abs(progress - contour_peak) / max(contour_peak, 1 - contour_peak)) - 1
        chord_tones = chord_at_beat(start).pitch_classes()
        if last:
            options = [m for m in singable if m % 12 in chord_tones and m <= centre_midi]
            aim = centre_midi - 2
        elif start == int(start):
            options = [m for m in singable if m % 12 in chord_tones]
        else:
            options = [m for m in singable if abs(m - previous) <= 4]
        options = options or singable
        # Prefer small steps from the previous note, drifting toward the contour.
        weights = np.array([np.exp(-abs(m - previous) / 2.5 - abs(m - aim) / 3.0) for m in options])
        previous = int(rng.choice(options, p=weights / weights.sum()))
        notes.append(MelodyNote(start, last_note_beats if last else length, previous))
    return notes
