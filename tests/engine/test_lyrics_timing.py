"""The lyrics' timing render() reports matches where the dry vocal actually sings."""

import numpy as np
import pytest
import pyworld
import soundfile

from engine import render
from tests.audio_samples import SHARED_REF

FRAME_SECONDS = 0.01
LOUDEST_DB_BELOW_PEAK = 40.0  # quieter frames count as silence
# Lines of varied length, a pause and an intro and outro, on the real 60 s reference.
REAL_LYRICS = (
    "##\nThe morning light is on the water\nWe walk along the river side\n\n"
    "Strength in numbers, forty-two of us\nSing it louder, sing it all night long\n##"
)


@pytest.fixture(scope="module")
def real_song(engine_dir):
    """(result, stems folder) of a song over the real 60 s reference clip."""
    stems = engine_dir / "stems-real"
    result = render(SHARED_REF / "acestep_test_track_001.mp3", REAL_LYRICS, 3, engine_dir / "real.mp3", stems)
    return result, stems


def voiced_energy(vocal_path):
    """(frame times, energy) of the dry vocal's frames that are pitched and not near silence."""
    samples, rate = soundfile.read(str(vocal_path), dtype="float64")
    f0, times = pyworld.dio(samples, rate, frame_period=FRAME_SECONDS * 1000)
    hop = int(rate * FRAME_SECONDS)
    padded = np.pad(samples, (0, hop * (len(f0) + 1) - len(samples)))
    energy = (padded[: hop * len(f0)].reshape(len(f0), hop) ** 2).mean(axis=1)
    level = 10 * np.log10(energy + 1e-12)
    voiced = (f0 > 0) & (level > level.max() - LOUDEST_DB_BELOW_PEAK)
    return times, np.where(voiced, energy, 0.0)


def share_inside_lines(timing, times, energy):
    inside = np.zeros(len(times), dtype=bool)
    for line in timing:
        inside |= (times >= line["start"]) & (times < line["end"])
    return energy[inside].sum() / energy.sum()


def first_voiced_of_each_line(timing, times, energy):
    """Per line, the first voiced frame after the previous line ended (the song start for the first)."""
    firsts, previous_end = [], 0.0
    for line in timing:
        voiced = np.flatnonzero((energy > 0) & (times >= previous_end) & (times < line["end"]))
        firsts.append(times[voiced[0]] if len(voiced) else None)
        previous_end = line["end"]
    return firsts


@pytest.fixture(params=["synthetic", "synthetic with intro", "real"])
def rendered(request, song, song_with_intro_and_outro, real_song):
    if request.param == "synthetic":
        result, _, stems = song
    elif request.param == "synthetic with intro":
        result, _, stems = song_with_intro_and_outro
    else:
        result, stems = real_song
    return result, stems


def test_at_least_90_percent_of_the_voiced_energy_falls_inside_the_stated_lines(rendered):
    result, stems = rendered
    times, energy = voiced_energy(stems / "vocals.wav")

    assert share_inside_lines(result.lyrics_timing, times, energy) >= 0.9


def test_each_line_starts_within_150_ms_of_its_first_voiced_frame(rendered):
    result, stems = rendered
    times, energy = voiced_energy(stems / "vocals.wav")

    firsts = first_voiced_of_each_line(result.lyrics_timing, times, energy)

    starts = [line["start"] for line in result.lyrics_timing]
    assert None not in firsts
    assert np.abs(np.array(firsts) - np.array(starts)).max() <= 0.15


def test_lines_are_the_sung_lines_in_order_without_pauses(real_song):
    result, _ = real_song

    assert [line["text"] for line in result.lyrics_timing] == [
        "The morning light is on the water",
        "We walk along the river side",
        "Strength in numbers, forty-two of us",
        "Sing it louder, sing it all night long",
    ]
    lines = result.lyrics_timing
    assert all(earlier["end"] <= later["start"] for earlier, later in zip(lines, lines[1:], strict=False))


def test_every_word_is_timed_in_order_inside_its_line(real_song):
    result, _ = real_song

    for line in result.lyrics_timing:
        assert " ".join(word["text"] for word in line["words"]) == line["text"]
        assert line["words"][0]["start"] == line["start"]
        assert line["words"][-1]["end"] == line["end"]
        starts = [word["start"] for word in line["words"]]
        assert starts == sorted(starts)
        assert all(word["start"] < word["end"] for word in line["words"])


def test_an_intro_delays_the_first_line_by_its_bars(song, song_with_intro_and_outro):
    plain, _, _ = song
    framed, _, _ = song_with_intro_and_outro
    bar = 4 * 60.0 / framed.analysis.tempo

    assert framed.lyrics_timing[0]["start"] - plain.lyrics_timing[0]["start"] >= 3 * bar
