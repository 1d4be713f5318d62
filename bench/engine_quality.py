"""Benchmark of the song engine: does the song follow the reference, is it sung in tune and
understandably, is it mastered to spec, and how long and how much memory does it take?

Every number about a song is measured by tools other than the engine's own analysis:
librosa's beat tracker and constant-Q chroma with Krumhansl-Kessler key profiles, pyloudnorm,
pyworld's pitch tracker on the dry vocal stem, and pocketsphinx (en-us) for the words.

    .venv/bin/python bench/engine_quality.py            # all references, Markdown table on stdout
    .venv/bin/python bench/engine_quality.py --quick    # the real reference only

`make bench` (bench/run_all.py) calls measure(quick=True): one row per reference in its table.
"""

import argparse
import multiprocessing
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import Row  # noqa: E402
from bench.stack import REAL_REFERENCE  # noqa: E402

GENERATED = [  # (name, tempo, tonic, mode, singer MIDI or None)
    ("generated 120 BPM C major", 120.0, 0, "major", None),
    ("generated 96 BPM A minor, singer E4", 96.0, 9, "minor", 64),
    ("generated 132 BPM G major, singer D3", 132.0, 7, "major", 50),
    ("generated 76 BPM D minor", 76.0, 2, "minor", None),
]
LYRICS = (
    "I walk along the river in the morning light\n"
    "Don't you know the city never sleeps tonight\n"
    "Hold me close and sing it like a melody\n"
    "Every step I take is bringing you to me"
)
# Enough lines for a song of about a minute, to time the engine against its speed target.
MINUTE_LYRICS = LYRICS + "\n\n" + LYRICS.replace("I walk", "We run").replace("Hold me", "Take me")
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
# The engine's targets (docs/benchmarks.md).
TEMPO_ERROR_TARGET_PERCENT = 2
PITCH_ERROR_TARGET_CENTS = 20
WORDS_HEARD_TARGET_PERCENT = 40
MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def librosa_tempo_and_key(path) -> tuple:
    import librosa

    samples, rate = librosa.load(str(path), sr=22050, mono=True, duration=90.0)
    tempo = float(np.atleast_1d(librosa.beat.beat_track(y=samples, sr=rate)[0])[0])
    profile = librosa.feature.chroma_cqt(y=samples, sr=rate).sum(axis=1)
    scores = [
        (np.corrcoef(profile, np.roll(template, tonic))[0, 1], PITCH_CLASSES[tonic] + " " + mode)
        for tonic in range(12)
        for mode, template in (("major", MAJOR), ("minor", MINOR))
    ]
    return tempo, max(scores)[1]


def loudness_and_true_peak(path) -> tuple:
    import pyloudnorm
    from scipy.signal import resample_poly

    samples, rate = soundfile.read(str(path), dtype="float64", always_2d=True)
    loudness = pyloudnorm.Meter(rate).integrated_loudness(samples)
    true_peak = 20 * np.log10(np.abs(resample_poly(samples, 4, 1, axis=0)).max())
    return loudness, true_peak


def pitch_errors(vocal_path, sung_notes) -> np.ndarray:
    """Cents between the sung pitch and the intended note, in the steady middle of each note."""
    import pyworld

    samples, rate = soundfile.read(str(vocal_path), dtype="float64")
    f0, times = pyworld.dio(samples, rate, frame_period=5.0)
    f0 = pyworld.stonemask(samples, f0, times, rate)
    errors = []
    for start, end, midi in sung_notes:
        steady = (times >= start + 0.25 * (end - start)) & (times <= end - 0.1 * (end - start)) & (f0 > 0)
        target = 440.0 * 2 ** ((midi - 69) / 12)
        errors.extend(np.abs(1200 * np.log2(f0[steady] / target)))
    return np.array(errors)


def words_heard(audio: np.ndarray, rate: int, lyrics: str) -> float:
    """Share of the lyric's words that pocketsphinx (en-us, open vocabulary) recognises.

    With dither: the dry vocal is digitally silent between lines, and pocketsphinx's features of
    zero-energy frames (log of zero) upset its cepstral mean over the whole recording, so it heard
    names in the silence ("gervais", "germaine") and lost words next to them: a four-line lyric that
    was not in the corpus, sung over a generated reference, was heard at 31% without dither and 52%
    with it. Dither is pocketsphinx's own remedy for zero-energy frames (half a bit of noise from a
    fixed seed: the same audio gives the same words)."""
    from pocketsphinx import Decoder
    from scipy.signal import resample_poly

    speech = resample_poly(audio, 16000, rate) if rate != 16000 else audio
    pcm = (np.clip(speech, -1, 1) * 32767).astype(np.int16).tobytes()
    decoder = Decoder(samprate=16000, loglevel="FATAL", dither=True)
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    heard = decoder.hyp().hypstr.lower().split() if decoder.hyp() else []
    expected = re.findall(r"[a-z']+", lyrics.lower())
    found = 0
    for word in expected:
        if word in heard:
            heard.remove(word)
            found += 1
    return found / len(expected)


def spoken_lyrics(lyrics: str, speaker: str) -> tuple:
    """The same voice reading the lyrics plainly, line by line."""
    from engine.voice import load_voice

    voice = load_voice()
    lines = [voice.say(line, speaker) for line in lyrics.splitlines() if line.strip()]
    gap = np.zeros(int(0.4 * lines[0].rate), dtype=np.float32)
    return np.concatenate([piece for line in lines for piece in (line.audio, gap)]), lines[0].rate


def _render_in_fresh_process(arguments) -> dict:
    """Run in a child process, so its peak memory is one render's, model load included."""
    reference, lyrics, seed, out_path, stems = arguments
    from engine import render

    started, cpu_before = time.perf_counter(), time.process_time()
    result = render(reference, lyrics, seed, out_path, stems)
    return {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu_before} | result.to_dict()


def render_fresh(reference, lyrics, seed, out_path, stems) -> dict:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_render_in_fresh_process, ((str(reference), lyrics, seed, str(out_path), str(stems)),))


def measure_song(name: str, reference: Path, lyrics: str, workdir: Path) -> dict:
    out_path, stems = workdir / f"{reference.stem}-song.mp3", workdir / f"{reference.stem}-stems"
    result = render_fresh(reference, lyrics, 1, out_path, stems)
    reference_tempo, reference_key = librosa_tempo_and_key(reference)
    song_tempo, song_key = librosa_tempo_and_key(out_path)
    loudness, true_peak = loudness_and_true_peak(out_path)
    errors = pitch_errors(stems / "vocals.wav", result["sung_notes"])
    vocal, rate = soundfile.read(str(stems / "vocals.wav"), dtype="float32")
    speech, speech_rate = spoken_lyrics(lyrics, result["voice"].split()[-1])
    return {
        "reference": name,
        "voice": result["voice"],
        "tempo ref → song (BPM)": f"{reference_tempo:.1f} → {song_tempo:.1f}",
        "tempo error": f"{abs(song_tempo - reference_tempo) / reference_tempo:.1%}",
        "key ref → song": f"{reference_key} → {song_key}",
        "same key": "yes" if reference_key == song_key else "no",
        "LUFS": f"{loudness:.1f}",
        "true peak (dBTP)": f"{true_peak:.1f}",
        "pitch error median (cents)": f"{np.median(errors):.0f}" if len(errors) else "n/a",
        "within 50 cents": f"{np.mean(errors <= 50):.0%}" if len(errors) else "n/a",
        "words heard sung / spoken": f"{words_heard(vocal, rate, lyrics):.0%} / {words_heard(speech, speech_rate, lyrics):.0%}",
        "song (s)": f"{result['duration']:.1f}",
        "render wall (s)": f"{result['wall']:.1f}",
        "peak RSS (MB)": f"{max(result['peak_memory_mb'].values()):.0f}",
        "stages (s)": ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in result["timings"].items()),
    }


def markdown(rows: list) -> str:
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(str(row[column]) for column in columns) + " |" for row in rows]
    return "\n".join(lines)


def measure_songs(quick: bool) -> list[dict]:
    """One row of measures per reference: the real one only when quick, else the generated ones too."""
    from bench.synthetic import write_reference

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        rows.append(measure_song("acestep_test_track_001.mp3 (real, 60 s)", REAL_REFERENCE, LYRICS, workdir))
        print(markdown(rows[-1:]), file=sys.stderr)
        if quick:
            return rows
        for name, tempo, tonic, mode, singer_midi in GENERATED:
            path = workdir / f"generated-{int(tempo)}-{PITCH_CLASSES[tonic]}-{mode}.wav"
            write_reference(
                path, tempo=tempo, tonic=tonic, mode=mode, seconds=30.0, singer_midi=singer_midi, seed=tonic
            )
            rows.append(measure_song(name, path, LYRICS, workdir))
            print(markdown(rows[-1:]), file=sys.stderr)
        minute = measure_song(
            "acestep_test_track_001.mp3, 8-line lyric (≈1 min song)", REAL_REFERENCE, MINUTE_LYRICS, workdir
        )
        rows.append(minute)
    return rows


def measure(quick: bool = False) -> list[Row]:
    """The rows of `make bench`'s table: one per reference, against the engine's quality targets."""
    return [_report_row(song) for song in measure_songs(quick)]


def _report_row(song: dict) -> Row:
    tempo_error = float(song["tempo error"].rstrip("%"))
    pitch = song["pitch error median (cents)"]
    words_sung = float(song["words heard sung / spoken"].split("%")[0])
    met = tempo_error <= TEMPO_ERROR_TARGET_PERCENT and pitch != "n/a" and int(pitch) <= PITCH_ERROR_TARGET_CENTS
    met = met and words_sung >= WORDS_HEARD_TARGET_PERCENT
    value = (
        f"tempo {song['tempo ref → song (BPM)']} BPM; key {song['key ref → song']}; {song['LUFS']} LUFS; "
        f"pitch {pitch} cents; words heard sung / spoken {song['words heard sung / spoken']}"
    )
    note = f"song {song['song (s)']} s in {song['render wall (s)']} s, peak RSS {song['peak RSS (MB)']} MB"
    return Row(
        "Engine quality",
        song["reference"],
        value,
        target=(
            f"tempo within {TEMPO_ERROR_TARGET_PERCENT}%, pitch <= {PITCH_ERROR_TARGET_CENTS} cents, "
            f">= {WORDS_HEARD_TARGET_PERCENT}% of words heard sung"
        ),
        met=met,
        note=note,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the real reference")
    print(markdown(measure_songs(parser.parse_args().quick)))


if __name__ == "__main__":
    main()
