"""The song's structure as the pages preview it (jobs/lyrics.py)."""

from jobs.lyrics import SongPart, song_structure


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
