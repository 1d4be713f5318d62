"""The prompt's rules, one home for the pages, the local service and the engine (generation/prompt.py)."""

import pytest

from generation.prompt import PromptRejected, check_prompt


def test_plain_lyrics_are_accepted_and_trimmed():
    assert check_prompt("  Hello world\r\nSecond line  \n") == "Hello world\nSecond line"


def test_empty_prompt_is_rejected():
    with pytest.raises(PromptRejected, match="empty"):
        check_prompt("   \n  ")


def test_prompt_over_600_characters_is_rejected_with_its_length():
    with pytest.raises(PromptRejected, match="601 characters long; the limit is 600"):
        check_prompt("a" * 601)


def test_prompt_of_exactly_600_characters_is_accepted():
    assert len(check_prompt("a" * 600)) == 600


def test_markers_at_both_ends_are_accepted():
    assert check_prompt("##\nLine one\nLine two\n##").startswith("##")


def test_marker_only_at_the_start_is_rejected():
    with pytest.raises(PromptRejected, match="both the very start and the very end"):
        check_prompt("##\nLine one")


def test_marker_only_at_the_end_is_rejected():
    with pytest.raises(PromptRejected, match="both the very start and the very end"):
        check_prompt("Line one\n##")


def test_lone_marker_is_rejected():
    with pytest.raises(PromptRejected, match="only ## markers"):
        check_prompt("##")


def test_markers_around_nothing_are_rejected():
    with pytest.raises(PromptRejected, match="only ## markers"):
        check_prompt("## \n ##")


def test_marker_in_the_middle_is_rejected():
    with pytest.raises(PromptRejected, match="only stand at the very start and the very end"):
        check_prompt("##\nLine one\n##\nLine two\n##")


def test_line_breaks_from_windows_and_old_macs_become_newlines():
    assert check_prompt("one\r\ntwo\rthree") == "one\ntwo\nthree"


def test_control_character_is_refused_with_its_line_and_code_point():
    with pytest.raises(PromptRejected) as rejected:
        check_prompt("First line\nSecond line\nThird \x07 line")
    assert rejected.value.message.startswith("Line 3 contains a control character (U+0007)")


def test_nul_is_refused_before_it_can_reach_the_database():
    with pytest.raises(PromptRejected, match=r"Line 1 contains a control character \(U\+0000\)"):
        check_prompt("Hello\x00world")


def test_tab_is_refused_as_a_control_character():
    with pytest.raises(PromptRejected, match=r"Line 2 contains a control character \(U\+0009\)"):
        check_prompt("one\ntwo\tthree")


def test_lone_surrogate_is_refused_as_a_broken_character():
    with pytest.raises(PromptRejected, match=r"Line 1 contains a broken character \(U\+D800"):
        check_prompt("half \ud800 pair")


def test_accents_emoji_and_other_scripts_are_accepted():
    assert check_prompt("Caf\u00e9 \U0001f389 \u4f60\u597d") == "Caf\u00e9 \U0001f389 \u4f60\u597d"
