import pytest

from jobs.lyrics import PromptRejected, SongPart, song_structure, validate_prompt


def test_plain_lyrics_are_accepted_and_trimmed():
    assert validate_prompt("  Hello world\r\nSecond line  \n") == "Hello world\nSecond line"


def test_empty_prompt_is_rejected():
    with pytest.raises(PromptRejected, match="empty"):
        validate_prompt("   \n  ")


def test_prompt_over_600_characters_is_rejected_with_its_length():
    with pytest.raises(PromptRejected, match="601 characters long; the limit is 600"):
        validate_prompt("a" * 601)


def test_prompt_of_exactly_600_characters_is_accepted():
    assert len(validate_prompt("a" * 600)) == 600


def test_markers_at_both_ends_are_accepted():
    assert validate_prompt("##\nLine one\nLine two\n##").startswith("##")


def test_marker_only_at_the_start_is_rejected():
    with pytest.raises(PromptRejected, match="both the very start and the very end"):
        validate_prompt("##\nLine one")


def test_marker_only_at_the_end_is_rejected():
    with pytest.raises(PromptRejected, match="both the very start and the very end"):
        validate_prompt("Line one\n##")


def test_lone_marker_is_rejected():
    with pytest.raises(PromptRejected, match="only ## markers"):
        validate_prompt("##")


def test_markers_around_nothing_are_rejected():
    with pytest.raises(PromptRejected, match="only ## markers"):
        validate_prompt("## \n ##")


def test_marker_in_the_middle_is_rejected():
    with pytest.raises(PromptRejected, match="only stand at the very start and the very end"):
        validate_prompt("##\nLine one\n##\nLine two\n##")


def test_structure_has_intro_lines_pause_and_outro():
    assert song_structure("##\nLine one\n\nLine two\n##") == [
        SongPart("intro"),
        SongPart("line", "Line one"),
        SongPart("pause"),
        SongPart("line", "Line two"),
        SongPart("outro"),
    ]


def test_structure_collapses_repeated_blank_lines_into_one_pause():
    assert [part.kind for part in song_structure("a\n\n\n\nb")] == ["line", "pause", "line"]
