"""How typed lyrics become lines to sing, pauses and syllables."""

import pytest

from engine.errors import UnusableLyrics
from engine.lyrics import PAUSE, lyric_parts, parse_lyrics
from engine.phonemes import syllables


def test_each_line_is_sung_in_order_and_a_blank_line_is_a_pause():
    lyrics = parse_lyrics("first line\nsecond line\n\nthird line")

    assert lyrics.lines == ["first line", "second line", PAUSE, "third line"]
    assert not lyrics.intro_and_outro


def test_hash_marks_at_both_ends_ask_for_intro_and_outro_and_are_not_sung():
    lyrics = parse_lyrics("##\nonly line\n##")

    assert lyrics.intro_and_outro
    assert lyrics.lines == ["only line"]


def test_hash_marks_at_one_end_only_are_not_an_intro_request():
    assert not parse_lyrics("## only line").intro_and_outro


def test_emoji_and_other_scripts_are_skipped_while_contractions_and_numbers_stay():
    assert parse_lyrics("I’m 21 🎉 你好 café").lines == ["I'm 21 cafe"]


def test_syllables_split_where_espeak_marks_the_stress():
    # "along the river" as espeak-ng writes it: ɐ-ˈlɔŋ ðə ˈɹɪ-vɚ
    phonemes = "ɐlˈɔŋ ðə ɹˈɪvɚ"
    found = syllables(phonemes)

    assert [phonemes[syllable.start : syllable.end] for syllable in found] == ["ɐl", "ˈɔŋ", "ðə", "ɹˈɪ", "vɚ"]
    assert [syllable.word_start for syllable in found] == [True, False, True, True, False]


def test_a_line_of_more_than_twelve_words_is_sung_as_several_phrases():
    line = " ".join(f"word{number}" for number in range(30))

    phrases = parse_lyrics(line).lines

    assert len(phrases) == 3
    assert " ".join(phrases) == line


def test_dashes_slashes_and_ellipses_between_words_separate_them():
    lyrics = parse_lyrics("forever—me and you\nthis/that\nwait…now\nso--long\nwell-known, naïve")

    assert lyrics.lines == ["forever me and you", "this that", "wait... now", "so long", "well-known, naive"]


def test_the_hosted_documentations_example_prompt_is_sung_word_by_word():
    prompt = (
        "##Side by side, through thick and thin, \n\nWith a laugh, we always win. \n\n Storms may come, "
        "but we stay true, \n\nFriends forever—me and you!##"
    )

    lyrics = parse_lyrics(prompt)

    assert lyrics.intro_and_outro
    sung_lines = [line for line in lyrics.lines if line is not PAUSE]
    assert sung_lines[-1] == "Friends forever me and you!"
    sung_words = " ".join(sung_lines).split()
    assert "foreverme" not in sung_words and sung_words[-3:] == ["me", "and", "you!"]


def test_tagged_lyrics_become_parts_with_intro_and_outro_left_unsung():
    parts = lyric_parts("[Intro]\nooh\n[Verse]\nfirst line\n\n[Chorus 2]\nsecond line\n[Outro]", "sections")

    assert [(part.tag, part.lines) for part in parts] == [
        ("intro", []),
        ("verse", ["first line"]),
        ("chorus", ["second line"]),
        ("outro", []),
    ]


def test_lines_before_the_first_tag_are_a_verse():
    assert [part.tag for part in lyric_parts("no tag yet\n[Chorus]\nnow one", "sections")] == ["verse", "chorus"]


def test_a_malformed_tag_is_refused_with_the_grammars_sentence():
    with pytest.raises(UnusableLyrics, match=r"Line 2: \[Hook\] is not a section tag"):
        lyric_parts("[Verse]\n[Hook]\nline", "sections")


def test_tagged_lyrics_with_nothing_to_sing_outside_intro_and_outro_are_refused_unless_instrumental():
    with pytest.raises(UnusableLyrics, match="outside \\[Intro\\] and \\[Outro\\]"):
        lyric_parts("[Intro]\nooh\n[Outro]", "sections")

    assert [part.tag for part in lyric_parts("[Intro]\nooh\n[Outro]", "sections", instrumental=True)] == [
        "intro",
        "outro",
    ]


def test_markers_lyrics_are_one_sung_part_framed_by_intro_and_outro_when_asked():
    assert [part.tag for part in lyric_parts("##\nline\n##", "markers")] == ["intro", "verse", "outro"]
    assert [part.tag for part in lyric_parts("line", "markers")] == ["verse"]
