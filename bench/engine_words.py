"""How many of the words the engine sings can be heard, on lyrics and references it was not tuned on.

Every lyric of bench/lyrics_corpus.py is sung over four references (the real 60 s clip in
../shared/ref/ and three generated ones: slow minor with a low singer, mid-tempo major with a high
singer, fast minor), with several seeds. pocketsphinx (en-us, the same measure as
bench/engine_quality.py) listens to the whole dry vocal; the same voice reading the lyric plainly
is the spoken baseline. Pitch is pyworld's, in the steady middle of each sung note.

    .venv/bin/python bench/engine_words.py                 # 16 lyrics x 4 references x 2 seeds
    .venv/bin/python bench/engine_words.py --seeds 1       # half the time
    .venv/bin/python bench/engine_words.py --save bench/out/words-after.json

Targets (issue 12): mean words heard sung >= 45%, 10th percentile >= 30%, sung/spoken >= 0.7,
median pitch error <= 20 cents.
"""

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine_quality import pitch_errors, spoken_lyrics, words_heard  # noqa: E402
from bench.lyrics_corpus import CORPUS  # noqa: E402
from bench.report import Row  # noqa: E402
from bench.stack import REAL_REFERENCE  # noqa: E402

# (name, tempo, tonic, mode, singer MIDI); None is the real clip.
REFERENCES = [
    ("real 60 s clip", None),
    ("generated 72 BPM E minor, low singer", (72.0, 4, "minor", 48)),
    ("generated 104 BPM A major, high singer", (104.0, 9, "major", 67)),
    ("generated 148 BPM D minor", (148.0, 2, "minor", None)),
]
TARGET_MEAN, TARGET_P10, TARGET_RATIO, TARGET_CENTS = 0.45, 0.30, 0.7, 20.0


def _reference_paths(workdir: Path) -> dict:
    from bench.synthetic import write_reference

    paths = {}
    for name, recipe in REFERENCES:
        if recipe is None:
            paths[name] = REAL_REFERENCE
            continue
        tempo, tonic, mode, singer = recipe
        path = workdir / f"reference-{int(tempo)}-{mode}.wav"
        write_reference(path, tempo=tempo, tonic=tonic, mode=mode, seconds=30.0, singer_midi=singer, seed=tonic)
        paths[name] = path
    return paths


def _sing_one(task) -> dict:
    """Run in a pool process (the voice stays loaded between tasks): one lyric, one reference, one seed."""
    from engine import render

    reference_name, reference_path, lyric_name, seed, workdir = task
    lyrics = CORPUS[lyric_name]
    folder = Path(tempfile.mkdtemp(dir=workdir))
    started = time.perf_counter()
    result = render(str(reference_path), lyrics, seed, str(folder / "song.mp3"), str(folder / "stems"))
    wall = time.perf_counter() - started
    vocal, rate = soundfile.read(str(folder / "stems" / "vocals.wav"), dtype="float32")
    errors = pitch_errors(folder / "stems" / "vocals.wav", result.sung_notes)
    return {
        "reference": reference_name,
        "lyric": lyric_name,
        "seed": seed,
        "speaker": result.voice.split()[-1],
        "sung": words_heard(vocal, rate, lyrics),
        "pitch_cents": float(np.median(errors)) if len(errors) else None,
        "song_seconds": result.duration,
        "render_seconds": round(wall, 2),
    }


def _speak_one(task) -> dict:
    lyric_name, speaker = task
    lyrics = CORPUS[lyric_name]
    speech, rate = spoken_lyrics(lyrics, speaker)
    return {"lyric": lyric_name, "speaker": speaker, "spoken": words_heard(speech, rate, lyrics)}


def run(seeds: int, processes: int) -> list[dict]:
    """One record per (reference, lyric, seed), with the spoken baseline of the same speaker."""
    with tempfile.TemporaryDirectory(prefix="engine-words-") as folder:
        workdir = Path(folder)
        references = _reference_paths(workdir)
        tasks = [
            (reference_name, str(path), lyric_name, seed, folder)
            for reference_name, path in references.items()
            for lyric_name in CORPUS
            for seed in range(1, seeds + 1)
        ]
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            records = []
            for done, record in enumerate(pool.imap_unordered(_sing_one, tasks), start=1):
                records.append(record)
                print(
                    f"[{done}/{len(tasks)}] {record['reference']} / {record['lyric']} / seed {record['seed']}: "
                    f"{record['sung']:.0%} heard, {record['render_seconds']} s",
                    file=sys.stderr,
                    flush=True,
                )
            spoken_tasks = sorted({(record["lyric"], record["speaker"]) for record in records})
            spoken = {(s["lyric"], s["speaker"]): s["spoken"] for s in pool.map(_speak_one, spoken_tasks)}
    for record in records:
        record["spoken"] = spoken[(record["lyric"], record["speaker"])]
    return records


def summary(records: list[dict]) -> dict:
    sung = [record["sung"] for record in records]
    spoken = [record["spoken"] for record in records]
    cents = [record["pitch_cents"] for record in records if record["pitch_cents"] is not None]
    return {
        "renders": len(records),
        "mean": statistics.fmean(sung),
        "p10": float(np.percentile(sung, 10)),
        "worst": min(sung),
        "spoken": statistics.fmean(spoken),
        "ratio": statistics.fmean(sung) / statistics.fmean(spoken) if statistics.fmean(spoken) else 0.0,
        "cents": statistics.median(cents) if cents else float("nan"),
    }


def tables(records: list[dict]) -> str:
    """Markdown: all of it, then per reference and per lyric."""
    lines = []
    for heading, key in (("reference", "reference"), ("lyric", "lyric")):
        lines += [
            "",
            f"| {heading} | renders | sung: mean | p10 | worst | spoken | sung/spoken | pitch (median cents) |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        groups = {"**all**": records} | {
            name: [record for record in records if record[key] == name]
            for name in dict.fromkeys(record[key] for record in records)
        }
        for name, group in groups.items():
            s = summary(group)
            lines.append(
                f"| {name} | {s['renders']} | {s['mean']:.0%} | {s['p10']:.0%} | {s['worst']:.0%} | "
                f"{s['spoken']:.0%} | {s['ratio']:.2f} | {s['cents']:.0f} |"
            )
    return "\n".join(lines)


def measure(quick: bool = False) -> list[Row]:
    records = run(seeds=1 if quick else 2, processes=2)
    s = summary(records)
    name = "Engine words heard (16-lyric corpus)"
    how = f"{s['renders']} renders: 16 lyrics x 4 references x {1 if quick else 2} seeds; pocketsphinx on the dry vocal"
    return [
        Row(name, "words heard sung, mean", f"{s['mean']:.0%}", ">= 45%", s["mean"] >= TARGET_MEAN, how),
        Row(name, "words heard sung, 10th percentile", f"{s['p10']:.0%}", ">= 30%", s["p10"] >= TARGET_P10),
        Row(name, "words heard sung, worst", f"{s['worst']:.0%}"),
        Row(name, "sung / spoken (same voice)", f"{s['ratio']:.2f}", ">= 0.7", s["ratio"] >= TARGET_RATIO),
        Row(name, "pitch error, median", f"{s['cents']:.0f} cents", "<= 20 cents", s["cents"] <= TARGET_CENTS),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--save", type=Path, help="write every record as JSON, to compare runs")
    arguments = parser.parse_args()
    started = time.perf_counter()
    records = run(arguments.seeds, arguments.processes)
    if arguments.save:
        arguments.save.parent.mkdir(parents=True, exist_ok=True)
        arguments.save.write_text(json.dumps(records, indent=1))
    print(tables(records))
    print(f"\n{len(records)} renders in {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
