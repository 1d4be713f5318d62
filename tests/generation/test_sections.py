"""The section-tag grammar of music-2.x lyrics, one home for the form, the service, the page's
preview and the engine (generation/sections.py)."""

import pytest

from generation.sections import SECTION_TAGS, check_sections, parse_sections, section_tag


@pytest.mark.parametrize(
    ("line", "tag"),
    [
        ("[Intro]", ("intro", None)),
        ("[verse]", ("verse", None)),
        ("[VERSE 2]", ("verse", 2)),
        ("  [Pre Chorus]  ", ("pre chorus", None)),
        ("[Pre-Chorus]", ("pre chorus", None)),
        ("[prechorus 1]", ("pre chorus", 1)),
        ("[Chorus]", ("chorus", None)),
        ("[Bridge]", ("bridge", None)),
        ("[Outro]", ("outro", None)),
    ],
)
def test_every_tag_is_read_in_any_letter_case_and_with_a_number(line, tag):
    assert section_tag(line) == tag


@pytest.mark.parametrize("line", ["Verse", "[Hook]", "[Verse] words", "[Chorus", "a [Chorus] b", "[]"])
def test_lines_that_are_not_a_whole_known_tag_are_not_tags(line):
    assert section_tag(line) is None


def test_every_listed_tag_is_recognised():
    assert all(section_tag(f"[{tag}]") for tag in SECTION_TAGS)


def test_well_formed_lyrics_pass_the_check():
    assert check_sections("[Verse]\nline one\n\n[Chorus 2]\nline two\nno tag here is fine") is None


def test_an_unknown_tag_is_named_with_its_line_and_the_tags_to_use():
    sentence = check_sections("[Verse]\nline\n[Hook]\nline")

    assert sentence.startswith("Line 3: [Hook] is not a section tag")
    assert "[Pre Chorus]" in sentence and "[Verse 2]" in sentence


def test_an_unclosed_tag_is_named_with_the_fix():
    assert check_sections("[Chorus\nline") == "Line 1 opens a section tag without closing it: write it as [Chorus]."


def test_words_after_a_tag_on_its_line_are_refused_with_the_fix():
    assert check_sections("[Verse] hello there") == (
        "Line 1 has words after the tag [Verse]; put the tag on its own line and the words on the next."
    )


def test_sections_hold_their_lines_in_order_and_untagged_lines_come_first():
    sections = parse_sections("opening line\n[Verse 1]\nfirst\n\nsecond\n[Chorus]\nchorus line\n[Outro]")

    assert [(s.tag, s.number, s.lines) for s in sections] == [
        (None, None, ["opening line"]),
        ("verse", 1, ["first", "second"]),
        ("chorus", None, ["chorus line"]),
        ("outro", None, []),
    ]
    assert [s.label for s in sections] == ["", "Verse 1", "Chorus", "Outro"]


def test_intro_and_outro_are_the_instrumental_sections():
    sections = parse_sections("[Intro]\nla\n[Verse]\nline\n[Outro]\nla")

    assert [s.instrumental for s in sections] == [True, False, True]


def test_windows_line_breaks_are_read_like_unix_ones():
    assert [s.lines for s in parse_sections("[Verse]\r\none\r\ntwo")] == [["one", "two"]]
