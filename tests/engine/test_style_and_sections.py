"""What the style prompt, section tags, instrumental, cover and audio_setting do to a rendered song,
measured on the audio (librosa's tempo, decoded files, loudness over time) and on the sung notes.

Each song is rendered once per module and kept short: rendering is the slow part."""

import numpy as np
import pytest
import soundfile

from bench.synthetic import write_reference
from engine import render

TWO_LINES = "Walking down the river road\nSinging softly all alone"
CHORUS = "Hold me close and never let me go"
TAGGED_SONG = f"""[Intro]
la la la
[Verse]
Walking down the river road
[Chorus]
{CHORUS}
[Verse 2]
Every light is fading now
[Chorus]
{CHORUS}
[Outro]"""


def librosa_tempo(path) -> float:
    import librosa

    samples, rate = librosa.load(str(path), sr=22050, mono=True)
    return float(np.atleast_1d(librosa.beat.beat_track(y=samples, sr=rate)[0])[0])


def short_term_levels(samples: np.ndarray, rate: int, hop: float = 0.25, window: float = 1.0) -> np.ndarray:
    """Level in dB every `hop` seconds over `window`-second windows (mono)."""
    mono = samples.mean(axis=1) if samples.ndim > 1 else samples
    hop_frames, width = int(hop * rate), int(window / hop)
    blocks = len(mono) // hop_frames
    energy = (mono[: blocks * hop_frames].reshape(blocks, -1) ** 2).mean(axis=1)
    return 10 * np.log10(np.convolve(energy, np.ones(width) / width, mode="valid") + 1e-10)


def notes_within(result, start: float, end: float) -> list:
    return [note for note in result.sung_notes if start <= note[0] < end]


@pytest.fixture(scope="module")
def ballad_and_dance(engine_dir, chord_loop_reference):
    """(slow ballad, upbeat dance): the same reference, lyrics and seed; only the style differs."""
    songs = []
    for name, style in (("ballad", "slow ballad"), ("dance", "upbeat dance")):
        out_path = engine_dir / f"{name}.mp3"
        result = render(chord_loop_reference, TWO_LINES, 3, out_path, style=style)
        songs.append((result, out_path))
    return songs


def test_a_slow_ballad_measures_slower_than_an_upbeat_dance_song_from_the_same_reference(ballad_and_dance):
    (_, ballad_path), (_, dance_path) = ballad_and_dance

    assert librosa_tempo(ballad_path) < 0.85 * librosa_tempo(dance_path)


def test_the_style_words_the_engine_acted_on_are_reported(ballad_and_dance):
    (ballad, _), (dance, _) = ballad_and_dance

    assert ballad.style_words == ["slow", "ballad"]
    assert dance.style_words == ["upbeat", "dance"]


@pytest.fixture(scope="module")
def tagged_song(engine_dir, chord_loop_reference):
    out_path, stems = engine_dir / "tagged.mp3", engine_dir / "tagged-stems"
    result = render(chord_loop_reference, TAGGED_SONG, 5, out_path, stems, grammar="sections")
    return result, out_path, stems


def test_the_song_has_the_parts_the_tags_name_in_order(tagged_song):
    result, _, _ = tagged_song

    assert [tag for tag, _, _ in result.sections] == ["intro", "verse", "chorus", "verse", "chorus", "outro"]


def test_a_chorus_that_returns_is_sung_to_the_same_notes(tagged_song):
    result, _, _ = tagged_song
    (_, first_start, first_end), (_, second_start, second_end) = [s for s in result.sections if s[0] == "chorus"]

    first = [(round(start - first_start, 3), midi) for start, _, midi in notes_within(result, first_start, first_end)]
    second = [
        (round(start - second_start, 3), midi) for start, _, midi in notes_within(result, second_start, second_end)
    ]

    assert len(first) >= 8
    assert first == second


def test_two_verses_with_different_words_are_sung_to_different_notes(tagged_song):
    result, _, _ = tagged_song
    verses = [notes_within(result, start, end) for tag, start, end in result.sections if tag == "verse"]

    assert [midi for _, _, midi in verses[0]] != [midi for _, _, midi in verses[1]]


def test_intro_and_outro_are_instrumental_even_with_words_under_the_tag(tagged_song):
    result, _, stems = tagged_song
    vocal, rate = soundfile.read(str(stems / "vocals.wav"), dtype="float32")
    (_, intro_start, intro_end), (_, outro_start, _) = result.sections[0], result.sections[-1]

    assert notes_within(result, intro_start, intro_end) == []
    # The first sung consonant may start just before the verse's first beat, as a pickup.
    assert np.abs(vocal[int(intro_start * rate) : int((intro_end - 0.15) * rate)]).max() < 1e-3
    assert np.abs(vocal[int((outro_start + 0.5) * rate) :]).max() < 1e-3


@pytest.fixture(scope="module")
def instrumental_song(engine_dir, chord_loop_reference):
    out_path, stems = engine_dir / "instrumental.mp3", engine_dir / "instrumental-stems"
    result = render(chord_loop_reference, TAGGED_SONG, 5, out_path, stems, grammar="sections", instrumental=True)
    return result, out_path, stems


def test_an_instrumental_has_a_silent_vocal_and_no_sung_notes(instrumental_song):
    result, _, stems = instrumental_song
    vocal, _ = soundfile.read(str(stems / "vocals.wav"), dtype="float32")
    band, _ = soundfile.read(str(stems / "accompaniment.wav"), dtype="float32")

    assert result.sung_notes == []
    assert np.abs(vocal).max() == 0.0
    assert np.abs(band).max() > 0.1


def test_an_instrumental_keeps_the_form_of_its_tagged_lyrics(instrumental_song, tagged_song):
    instrumental, _, _ = instrumental_song
    sung, _, _ = tagged_song

    assert [tag for tag, _, _ in instrumental.sections] == [tag for tag, _, _ in sung.sections]


def test_an_instrumental_with_no_lyrics_still_has_a_song_form(engine_dir):
    result = render(None, "", 2, engine_dir / "bare.wav", instrumental=True, audio_setting={"format": "wav"})

    assert [tag for tag, _, _ in result.sections] == ["intro", "verse", "chorus", "outro"]
    assert result.duration > 20.0


@pytest.fixture(scope="module")
def swelling_reference(engine_dir):
    """30 s at 100 BPM whose loudness moves by bars: loud, soft, medium, very soft, loud..."""
    path = engine_dir / "swelling.wav"
    write_reference(path, tempo=100.0, tonic=9, mode="minor", seconds=30.0, seed=4)
    samples, rate = soundfile.read(str(path), dtype="float32")
    bar = 4 * 60.0 / 100.0
    steps_db = [0, -14, -6, -18, 0, -10, -3, -16, 0, -8, -14, 0, -18]
    gain = np.array([10 ** (steps_db[int(t / bar) % len(steps_db)] / 20) for t in np.arange(len(samples)) / rate])
    soundfile.write(str(path), (samples * gain).astype(np.float32), rate)
    return path


@pytest.fixture(scope="module")
def cover(engine_dir, swelling_reference):
    out_path = engine_dir / "cover.mp3"
    result = render(swelling_reference, TWO_LINES, 1, out_path, style="slow ballad", cover=True)
    return result, out_path


def test_a_cover_follows_the_references_loudness_over_time(cover, swelling_reference):
    result, out_path = cover
    reference, reference_rate = soundfile.read(str(swelling_reference), dtype="float32")
    song, song_rate = soundfile.read(str(out_path), dtype="float32")
    first_downbeat = result.analysis.first_downbeat
    reference_levels = short_term_levels(reference[int(first_downbeat * reference_rate) :], reference_rate)
    song_levels = short_term_levels(song, song_rate)
    overlap = min(len(reference_levels), len(song_levels) - 8)  # the last 2 s are the release

    correlation = np.corrcoef(reference_levels[:overlap], song_levels[:overlap])[0, 1]

    assert correlation > 0.8


def test_a_cover_keeps_the_reference_tempo_whatever_the_style_says(cover, swelling_reference):
    _, out_path = cover

    assert librosa_tempo(out_path) == pytest.approx(librosa_tempo(swelling_reference), rel=0.03)


def test_without_a_reference_the_tempo_asked_for_in_bpm_is_the_measured_tempo(engine_dir):
    out_path = engine_dir / "planned.mp3"

    render(None, TWO_LINES, 9, out_path, style="upbeat pop, 128 bpm, female vocal", instrumental=True)

    assert librosa_tempo(out_path) == pytest.approx(128, rel=0.03)


def test_audio_setting_wav_at_24_khz_decodes_as_such(engine_dir):
    out_path = engine_dir / "setting.wav"
    audio_setting = {"sample_rate": 24000, "bitrate": 128000, "format": "wav"}

    result = render(None, TWO_LINES, 4, out_path, instrumental=True, audio_setting=audio_setting)

    info = soundfile.info(str(out_path))
    assert (info.format, info.samplerate, info.channels) == ("WAV", 24000, 2)
    assert info.duration == pytest.approx(result.duration, abs=0.05)


@pytest.mark.parametrize(("sample_rate", "bitrate"), [(32000, 128000), (16000, 64000), (44100, 256000)])
def test_audio_setting_mp3_has_the_asked_rate_and_bitrate(sample_rate, bitrate, engine_dir):
    out_path = engine_dir / f"setting-{sample_rate}-{bitrate}.mp3"
    audio_setting = {"sample_rate": sample_rate, "bitrate": bitrate, "format": "mp3"}

    render(None, TWO_LINES, 4, out_path, instrumental=True, audio_setting=audio_setting)

    info = soundfile.info(str(out_path))
    assert (info.format, info.samplerate) == ("MP3", sample_rate)
    assert out_path.stat().st_size * 8 / info.duration == pytest.approx(bitrate, rel=0.05)
