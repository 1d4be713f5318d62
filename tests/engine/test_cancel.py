"""render() asks its should_stop before each stage and stops there with RenderCancelled."""

import pytest

from engine import RenderCancelled, render


def asked_until_stopped(stop_at: int):
    """A should_stop that answers True at its stop_at-th question, counting them in .asked."""

    def should_stop():
        should_stop.asked += 1
        return should_stop.asked >= stop_at

    should_stop.asked = 0
    return should_stop


def test_a_render_told_to_stop_at_the_first_check_is_cancelled_before_analysing(chord_loop_reference, tmp_path):
    should_stop = asked_until_stopped(1)

    with pytest.raises(RenderCancelled, match="^cancelled$"):
        render(chord_loop_reference, "one line to sing", 7, tmp_path / "song.mp3", should_stop=should_stop)

    assert should_stop.asked == 1
    assert not (tmp_path / "song.mp3").exists()


def test_a_render_told_to_stop_before_the_band_plays_writes_nothing(tmp_path):
    # An instrumental planned from the style: analyse, phonemize, speak and compose take no time.
    should_stop = asked_until_stopped(5)

    with pytest.raises(RenderCancelled):
        render(None, "", 3, tmp_path / "song.mp3", tmp_path / "stems", instrumental=True, should_stop=should_stop)

    assert should_stop.asked == 5
    assert list(tmp_path.iterdir()) == []


def test_a_render_never_told_to_stop_asks_before_every_stage(tmp_path):
    should_stop = asked_until_stopped(float("inf"))

    result = render(None, "", 3, tmp_path / "song.mp3", instrumental=True, should_stop=should_stop)

    assert (tmp_path / "song.mp3").exists()
    assert should_stop.asked == len(set(result.timings) - {"accompany"})
