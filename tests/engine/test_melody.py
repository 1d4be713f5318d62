"""A line's rhythm follows the way it is spoken (engine/melody.py)."""

from engine.melody import phrase_rhythm, syllable_grid

BEAT_SECONDS = 0.5  # 120 BPM
STEPS_PER_BEAT = 2  # eighth notes: a step is 0.25 s


def starts(vowel_onsets):
    return [start for start, _ in phrase_rhythm(vowel_onsets, STEPS_PER_BEAT, BEAT_SECONDS)]


def test_each_vowel_lands_on_the_grid_step_nearest_to_where_it_is_spoken():
    assert starts([0.0, 0.24, 0.52, 1.03]) == [0.0, 0.5, 1.0, 2.0]


def test_a_pause_in_speech_is_kept_the_syllable_before_it_lasts_until_the_next():
    sung = phrase_rhythm([0.0, 0.25, 1.25, 1.5], STEPS_PER_BEAT, BEAT_SECONDS)

    assert sung[:3] == [(0.0, 0.5), (0.5, 2.0), (2.5, 0.5)]


def test_quick_syllables_take_a_step_each_rather_than_sharing_one():
    assert starts([0.0, 0.05, 0.1, 0.15]) == [0.0, 0.5, 1.0, 1.5]


def test_the_rhythm_is_measured_from_the_first_vowel():
    assert starts([0.3, 0.55, 0.8]) == starts([0.0, 0.25, 0.5])


def test_the_grid_is_the_subdivision_of_the_beat_closest_to_a_tenth_of_a_second():
    assert syllable_grid(150.0) == 4  # sixteenths of 0.1 s
    assert syllable_grid(300.0) == 2  # eighths of 0.1 s
    assert syllable_grid(60.0) == 4  # no finer than sixteenths
