"""Reading a style prompt into what the engine plays (engine/style.py)."""

import pytest

from engine.style import FAST, SLOW, parse_style


def test_a_number_of_bpm_is_the_tempo():
    assert parse_style("lofi, 92 BPM").tempo_for(120.0) == 92.0


def test_an_explicit_tempo_outside_what_a_song_can_have_is_held_to_the_nearest_possible():
    assert parse_style("900 bpm").bpm == 200.0


def test_slow_halves_a_fast_reference_into_the_slow_range_when_that_fits():
    assert parse_style("slow").tempo_for(140.0) == 70.0


def test_upbeat_doubles_a_half_time_reference_into_the_fast_range_when_that_fits():
    assert parse_style("upbeat").tempo_for(62.0) == 124.0


def test_a_tempo_word_moves_a_reference_that_cannot_be_halved_or_doubled_into_range_to_its_nearest_end():
    assert parse_style("slow").tempo_for(100.0) == SLOW[1]
    assert parse_style("fast").tempo_for(100.0) == FAST[0]


def test_with_no_tempo_word_the_reference_tempo_is_kept():
    assert parse_style("piano, female vocal").tempo_for(97.0) == 97.0


def test_tempo_words_beat_genre_tempi():
    assert parse_style("slow dance").tempo_range == SLOW


def test_a_ballad_is_sparse_and_a_dance_song_busy_with_a_four_on_the_floor_kick():
    ballad, dance = parse_style("ballad"), parse_style("dance")

    assert (ballad.energy, dance.energy) == (-1, 1)
    assert dance.groove == "four on the floor"


@pytest.mark.parametrize(
    ("prompt", "voice"),
    [("female vocal", "female"), ("Male vocals", "male"), ("sung by a woman", "female"), ("piano", None)],
)
def test_the_voice_asked_for_is_read_and_female_is_not_mistaken_for_male(prompt, voice):
    assert parse_style(prompt).voice == voice


def test_named_instruments_beat_the_programs_a_genre_brings():
    style = parse_style("rock ballad with strings and electric piano")

    assert style.programs["pad"] == 48  # strings
    assert style.programs["keys"] == 4  # electric piano, not the ballad's grand piano nor rock's guitar


def test_a_two_word_instrument_is_not_also_read_as_its_second_word():
    style = parse_style("synth bass")

    assert style.programs == {"bass": 38}
    assert style.words == ["synth bass"]


def test_spelling_variants_of_genres_are_read():
    assert parse_style("Lo-Fi Hip-Hop").words == ["lofi", "hiphop"]


def test_moods_choose_the_mode_for_a_song_without_a_reference():
    assert parse_style("sad piano").mode == "minor"
    assert parse_style("happy pop").mode == "major"


def test_unknown_words_and_an_empty_style_change_nothing():
    style = parse_style("")

    assert (style.bpm, style.tempo_range, style.energy, style.programs, style.voice) == (None, None, 0, {}, None)
    assert parse_style("zzz qqq").words == []
