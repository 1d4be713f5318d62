"""A sung melody for one lyric line: rhythm from the syllables' stress, pitches from the key.

Stressed syllables land on beats, unstressed ones fill the off-beats, and the last syllable is
held. Notes on beats are chord tones; the line ends on a chord tone below its middle, the way
phrases come to rest.
"""

from dataclasses import dataclass

import numpy as np

MAJOR_SCALE = (0, 2, 4, 5, 7, 9, 11)
MINOR_SCALE = (0, 2, 3, 5, 7, 8, 10)
BREATH_BEATS = 1.0
LONGEST_HOLD_BEATS = 4.0
SHORTEST_HOLD_BEATS = 1.5


@dataclass
class MelodyNote:
    start_beat: float  # from the start of the phrase
    length_beats: float
    midi: int


SYLLABLE_SECONDS = 0.2  # about the length of a spoken syllable


def syllable_grid(tempo: float) -> int:
    """Grid steps per beat (1 to 4, triplets included) closest to a spoken syllable's length,
    so vowels need little stretching and the words stay recognisable."""
    return int(np.clip(round(60.0 / tempo / SYLLABLE_SECONDS), 1, 4))


def phrase_rhythm(stresses: list, steps_per_beat: int, rng: np.random.Generator) -> list:
    """(start, length) in beats for each syllable; the last one is the held phrase ending."""
    starts, position = [], 0
    for number, stress in enumerate(stresses):
        on_beat = position % steps_per_beat == 0
        if stress and not on_beat and number > 0:
            position += steps_per_beat - position % steps_per_beat
        starts.append(position)
        long_note = stress == 2 and number + 1 < len(stresses) and rng.random() < 0.25
        position += 2 if long_note and steps_per_beat > 1 else 1
    # Each syllable lasts until the next one begins; phrase ending is decided by the caller.
    lengths = [(later - earlier) / steps_per_beat for earlier, later in zip(starts, starts[1:], strict=False)]
    return [(start / steps_per_beat, length) for start, length in zip(starts, lengths + [0.0], strict=False)]


def phrase_bars(rhythm: list, beats_per_bar: int) -> int:
    """Whole bars the phrase needs, leaving room to hold the last note and breathe; two bars
    at least, and an even number when it is more than three, so phrases pair up."""
    beats = rhythm[-1][0] + SHORTEST_HOLD_BEATS + BREATH_BEATS
    bars = max(2, int(np.ceil(beats / beats_per_bar)))
    return bars + bars % 2 if bars > 3 else bars


def phrase_melody(
    rhythm: list,
    bars: int,
    beats_per_bar: int,
    chord_at_beat,
    tonic: int,
    mode: str,
    centre_midi: int,
    rng: np.random.Generator,
) -> list:
    """Pitches for a phrase; chord_at_beat(beat) gives the chord sounding at a phrase beat."""
    scale = [(tonic + step) % 12 for step in (MAJOR_SCALE if mode == "major" else MINOR_SCALE)]
    singable = [midi for midi in range(centre_midi - 8, centre_midi + 9) if midi % 12 in scale]
    phrase_end = bars * beats_per_bar - BREATH_BEATS
    final_start = rhythm[-1][0]
    hold = float(min(LONGEST_HOLD_BEATS, max(SHORTEST_HOLD_BEATS, phrase_end - final_start)))
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
        notes.append(MelodyNote(start, hold if last else length, previous))
    return notes
