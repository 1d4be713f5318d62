from datetime import timedelta

from jobs.templatetags.jobs_extras import clock, spoken_duration, status_label


def test_song_length_reads_like_a_clock():
    assert clock(185.4) == "3:05"
    assert clock(None) == ""


def test_waits_are_said_in_words():
    assert spoken_duration(timedelta(seconds=42)) == "42 s"
    assert spoken_duration(timedelta(seconds=65)) == "1 min 05 s"
    assert spoken_duration(timedelta(hours=2, minutes=3)) == "2 h 03 min"


def test_stored_statuses_are_said_in_words():
    assert status_label("downloading") == "Saving the song"
    assert status_label("something-new") == "something-new"
