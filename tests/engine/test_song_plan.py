"""The song's form from its parts: loops, choruses that return, bridges, intros and outros
(engine/song_plan.py), planned without rendering."""

from dataclasses import replace

import numpy as np
import pytest

from engine.arrangement import CLOSED_HAT, DRUM_CHANNEL, RIDE, arrange
from engine.melody import BREATH_BEATS, LAST_NOTE_SECONDS
from engine.planned import planned_analysis
from engine.song_plan import HIGHER_VOICE_MIDDLE, LOOP_BARS, LOWER_VOICE_MIDDLE, Part, plan_song
from engine.style import parse_style
from engine.tempo import BEATS_PER_BAR

# Lines as spoken: the second into the speech at which each syllable's vowel begins.
LINE = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2]
OTHER_LINE = [0.0, 0.15, 0.3, 0.5, 0.7, 0.85, 1.1, 1.3, 1.5]


def plan(parts, **options):
    return plan_song(planned_analysis(parse_style(""), 3), parts, 3, whole_loops=True, **options)


def test_every_part_fills_whole_four_bar_loops():
    song = plan([Part("verse", [LINE]), Part("chorus", [LINE, OTHER_LINE, LINE])])

    assert all((end - first) % LOOP_BARS == 0 for _, first, end in song.parts)


def test_a_returning_chorus_has_the_same_chords_and_notes():
    song = plan([Part("chorus", [LINE, OTHER_LINE]), Part("verse", [OTHER_LINE]), Part("chorus", [LINE, OTHER_LINE])])
    (_, first, first_end), _, (_, second, second_end) = song.parts

    assert song.bar_chords[first:first_end] == song.bar_chords[second:second_end]
    assert [n.midi for n in song.sung_lines[0].notes] == [n.midi for n in song.sung_lines[3].notes]
    assert [n.midi for n in song.sung_lines[1].notes] == [n.midi for n in song.sung_lines[4].notes]


def test_a_bridge_plays_other_chords_than_the_verse():
    song = plan([Part("verse", [LINE]), Part("bridge", [LINE])])
    (_, verse, verse_end), (_, bridge, bridge_end) = song.parts

    assert song.bar_chords[bridge] != song.bar_chords[verse]
    assert song.bar_chords[bridge:bridge_end] != song.bar_chords[verse:verse_end]


def test_intro_and_outro_are_played_bars_with_no_sung_line():
    song = plan([Part("intro", []), Part("verse", [LINE]), Part("outro", [])])

    assert len(song.sung_lines) == 1
    assert song.sections[:4] == ["intro"] * 4
    assert song.sections[-1] == "end"


def test_a_song_without_an_intro_opens_with_one_bar_of_band():
    assert plan([Part("verse", [LINE])]).sections[0] == "lead"


def test_a_cover_plays_the_reference_chords_bar_by_bar():
    analysis = planned_analysis(parse_style(""), 3)
    song = plan([Part("verse", [LINE, LINE, LINE])], reference_chords=True)

    assert [chord.name for chord in song.bar_chords[:8]] == analysis.chords[:8]


def test_the_style_tempo_overrides_the_reference():
    assert plan([Part("verse", [LINE])], tempo=72.0).tempo == 72.0


def mean_pitch(song) -> float:
    return float(np.mean([note.midi for line in song.sung_lines for note in line.notes]))


def test_a_female_voice_sings_higher_than_a_male_one():
    female = plan([Part("verse", [LINE])], voice="female")
    male = plan([Part("verse", [LINE])], voice="male")

    # The voices' middles are a fifth apart, each kept near its own speaking pitch (song_plan);
    # the notes chosen around them move each line's mean by a semitone or two.
    assert mean_pitch(female) > mean_pitch(male) + 4


def test_the_melody_follows_a_female_reference_singer_higher_than_a_male_one():
    def sung_over(singer_midi):
        analysis = replace(planned_analysis(parse_style(""), 3), vocals_found=True, vocal_median_midi=singer_midi)
        return plan_song(analysis, [Part("verse", [LINE])], 3, whole_loops=True)

    female, male = sung_over(64.0), sung_over(48.0)

    assert min(HIGHER_VOICE_MIDDLE) - 2 <= mean_pitch(female) <= max(HIGHER_VOICE_MIDDLE) + 2
    assert min(LOWER_VOICE_MIDDLE) - 2 <= mean_pitch(male) <= max(LOWER_VOICE_MIDDLE) + 2
    assert mean_pitch(female) > mean_pitch(male) + 4


def test_without_a_reference_the_plan_takes_the_tempo_and_mode_the_style_asks_for():
    analysis = planned_analysis(parse_style("sad song, 76 bpm"), 1)

    assert (analysis.tempo, analysis.key_mode) == (76.0, "minor")


def test_without_a_reference_different_seeds_plan_different_keys_or_chords():
    plans = {(a.key_tonic, tuple(a.chords)) for a in (planned_analysis(parse_style(""), seed) for seed in range(6))}

    assert len(plans) > 1


def test_a_chorus_plays_denser_hats_than_a_verse():
    analysis = planned_analysis(parse_style(""), 3)
    song = plan([Part("verse", [LINE]), Part("chorus", [LINE])])
    band = arrange(analysis, song.bar_chords, song.sections, BEATS_PER_BAR, np.random.default_rng(1))
    (_, verse, _), (_, chorus, _) = song.parts

    def hats_in(bar):
        start = bar * BEATS_PER_BAR
        return sum(
            1
            for event in band.events
            if event.channel == DRUM_CHANNEL
            and event.pitch in (CLOSED_HAT, RIDE)
            and start <= event.start_beat < start + BEATS_PER_BAR
        )

    assert hats_in(chorus + 1) > hats_in(verse + 1)


def test_a_line_ends_on_a_short_last_note_at_any_tempo_and_the_band_plays_on_until_the_next():
    two_words = [0.0, 0.3]
    for tempo in (72.0, 148.0):
        song = plan([Part("verse", [LINE, two_words, OTHER_LINE])], tempo=tempo)

        for line, following in zip(song.sung_lines, song.sung_lines[1:], strict=False):
            last = line.notes[-1]
            assert last.length_beats * 60.0 / tempo == pytest.approx(LAST_NOTE_SECONDS)
            assert following.first_beat - (line.first_beat + last.start_beat + last.length_beats) > BREATH_BEATS
