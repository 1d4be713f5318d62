"""How a spoken line is laid on its notes (engine/singing.py): the speech is played once, in order,
each vowel onset on its note, a comma's pause left out, the last vowel held."""

import numpy as np
import pytest

from engine.phonemes import syllables
from engine.singing import CODA_SLACK, FRAME_SECONDS, Note, _warp

# "Hello world, it's four you" as espeak-ng writes it; the comma is a pause in the speech.
PHONEMES = "həlˈoʊ wˈɜːld, ɪts fˈɔːɹ juː"
COMMA = PHONEMES.index(",")
SYLLABLES = syllables(PHONEMES)


@pytest.fixture
def warped():
    """(source frame per sung frame, line start, phoneme start frames, notes): every phoneme spoken in
    10 frames (50 ms), the comma in 60, and each syllable sung on a note at least as long as the
    speech from its vowel to the next (so nothing needs squeezing)."""
    lengths = [60 if index == COMMA else 10 for index in range(len(PHONEMES))]
    phoneme_frames = np.concatenate([[0], np.cumsum(lengths)])
    starts = 1.0 + np.array([0.0, 0.25, 0.5, 1.0, 1.5, 1.75])
    ends = list(starts[1:]) + [starts[-1] + 1.5]
    notes = [Note(start, end, 60 + number) for number, (start, end) in enumerate(zip(starts, ends, strict=True))]
    source, _, _, line_start = _warp(SYLLABLES, phoneme_frames, int(phoneme_frames[-1]), notes)
    return source, line_start, phoneme_frames, notes


def _frame(seconds: float, line_start: float) -> int:
    return int(round((seconds - line_start) / FRAME_SECONDS))


def test_the_speech_is_played_in_order_never_going_back(warped):
    source, _, _, _ = warped

    assert np.all(np.diff(source) >= 0)


def _pause(phoneme_frames) -> tuple:
    """The frames of the comma's pause: from the alignment's slack past the word before it to the
    first consonant after it."""
    before = next(syllable for syllable in SYLLABLES if syllable.end in (COMMA, COMMA - 1))
    after = next(syllable for syllable in SYLLABLES if syllable.start > COMMA)
    return phoneme_frames[before.end] + CODA_SLACK / FRAME_SECONDS, phoneme_frames[after.start]


def test_a_stretched_line_leaves_out_no_sound_but_the_pause_and_no_silence_inside(warped):
    source, _, phoneme_frames, _ = warped
    pause = _pause(phoneme_frames)
    spoken = np.arange(phoneme_frames[SYLLABLES[0].start], phoneme_frames[SYLLABLES[-1].end])
    sung = set(np.floor(source).astype(int))

    assert np.all(source >= 0)
    assert {frame for frame in spoken if not pause[0] <= frame < pause[1]} <= sung


def test_each_vowel_begins_on_its_note(warped):
    source, line_start, phoneme_frames, notes = warped

    for syllable, note in zip(SYLLABLES, notes, strict=True):
        assert source[_frame(note.start, line_start)] == pytest.approx(phoneme_frames[syllable.nucleus_start])


def test_the_pause_at_a_comma_is_not_sung(warped):
    source, _, phoneme_frames, _ = warped
    pause = _pause(phoneme_frames)

    assert not np.any((source >= pause[0] + 1) & (source < pause[1] - 1))


def test_the_last_vowel_is_held_to_the_end_of_its_note_and_its_consonants_follow(warped):
    source, line_start, phoneme_frames, notes = warped
    last = SYLLABLES[-1]
    held = source[_frame(notes[-1].start, line_start) : _frame(notes[-1].end, line_start) - 1]

    assert len(source) == _frame(notes[-1].end, line_start)
    assert held.min() >= phoneme_frames[last.nucleus_start]
    assert held.max() <= phoneme_frames[last.end] + CODA_SLACK / FRAME_SECONDS
