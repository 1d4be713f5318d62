"""Where the engine's time goes: CPU seconds per stage of a one-minute song, the whole render's wall
time and peak memory with the voice already loaded, and how time grows with the song's length.

Everything is read from render() itself: its result carries each stage's wall and CPU seconds
(engine/render.py _Stages says what a stage's CPU counts while the band is played alongside the
singing). The machine this runs on is shared, so wall times are noisy: CPU time is
the comparable figure, and every wall time is reported beside the load average it was measured
under. Each render runs in a fresh process that loads the voice and renders once before the timed
render (a warm worker).

Growth: songs of 3, 5, 10 and 20 different lines of seven syllables (each costs the voice the
same, 1.28-1.32 CPU s alone) with no played intro or outro, so only the length changes. The issue's
15 s song cannot be made: 3 lines is the shortest song with no padding to the engine's 20 s
minimum (23 s); 20 lines (114 s) is the most the 600-character lyrics hold. Every song still has
about 7 s that are not sung (a lead-in bar, the last bar, the band's release), cheap because only
the band plays them: the render's CPU is a fixed part plus a cost per second, and as the fixed
part is a smaller share of the CPU than of the length, the CPU ratio exceeds the length ratio
even when nothing grows faster than the length. Linear growth is therefore judged on what each
added song second costs: no more at any step than at the first (within GROWTH_TOLERANCE, the
noise of a shared machine). Both are reported.

    .venv/bin/python bench/engine_profile.py            # stages, render, growth with length
    .venv/bin/python bench/engine_profile.py --quick    # stages and render only
    .venv/bin/python bench/engine_profile.py --cprofile # plus cProfile's top functions of one render
"""

import argparse
import cProfile
import io
import multiprocessing
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine_quality import MINUTE_LYRICS  # noqa: E402
from bench.report import Row, print_table  # noqa: E402
from bench.stack import REAL_REFERENCE  # noqa: E402

BENCHMARK = "Engine stages"
SEED = 1
WALL_TARGET_SECONDS = 12.0
MEMORY_TARGET_MB = 1024.0
GROWTH_LINES = (3, 5, 10, 20)
# Different lines of seven syllables each, for the growth songs.
LINES = [
    "Morning light upon the bay",
    "Boats are drifting far away",
    "Seagulls calling out my name",
    "Nothing here will stay the same",
    "Walking down the harbour wall",
    "Waiting for your voice to call",
    "Salt and sun upon my skin",
    "Let the summer evening in",
    "Lanterns glowing on the pier",
    "Every song is sung for here",
    "Hold the rope and pull it tight",
    "Sail with me into the night",
    "Stars are falling on the sea",
    "Come and dance the tide with me",
    "When the winter wind is near",
    "I will find you waiting here",
    "Bring the boats back to the shore",
    "Sing it one time, sing it more",
    "Rivers running to the sea",
    "Candles burning on the sill",
]
# The same song's CPU moved by up to 8% between two runs on the shared machine (load 4 to 7).
GROWTH_TOLERANCE = 1.15


def minute_song_lyrics() -> str:
    """The eight lines of MINUTE_LYRICS (two of them sung twice) between a played intro and outro."""
    lines = [line for line in MINUTE_LYRICS.splitlines() if line.strip()]
    return "##\n" + "\n".join(lines) + "\n##"


def growth_lyrics(lines: int) -> str:
    return "\n".join(LINES[:lines])


def _timed_render(arguments) -> dict:
    """In a fresh process: load the voice, render once to warm up, time the second render."""
    lyrics, out_path, profile = arguments
    from engine import render
    from engine.voice import load_voice

    load_voice()
    render(REAL_REFERENCE, lyrics, SEED, out_path)
    profiler = cProfile.Profile() if profile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    result = render(REAL_REFERENCE, lyrics, SEED, out_path)
    if profiler:
        profiler.disable()
    report = {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "load": os.getloadavg()[0],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "duration": result.duration,
        "timings": result.timings,
        "cpu_seconds": result.cpu_seconds,
    }
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(25)
        report["profile"] = text.getvalue()
    return report


def timed_render(lyrics: str, out_path: Path, profile: bool = False) -> dict:
    """A fresh process per measurement, so its peak memory is one warm worker's."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_timed_render, ((lyrics, str(out_path), profile),))


def measure(quick: bool = False, profile: bool = False) -> list[Row]:
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        minute = timed_render(minute_song_lyrics(), workdir / "minute.mp3", profile)
        if profile:
            print(minute["profile"], file=sys.stderr)
        rows = _minute_rows(minute)
        if not quick:
            grown = [
                (lines, timed_render(growth_lyrics(lines), workdir / f"{lines}-lines.mp3")) for lines in GROWTH_LINES
            ]
            rows += [_song_row(lines, song) for lines, song in grown]
            steps = list(zip(grown, grown[1:], strict=False))
            first_cost = _added_cost(*steps[0])
            rows += [_growth_row(shorter, longer, first_cost) for shorter, longer in steps]
    return rows


def _minute_rows(minute: dict) -> list[Row]:
    rows = [
        Row(
            BENCHMARK,
            f"one-minute song, stage {stage}, CPU",
            f"{cpu:.2f} s",
            note=f"wall {minute['timings'][stage]:.2f} s, load average {minute['load']:.1f} on 2 cores",
        )
        for stage, cpu in minute["cpu_seconds"].items()
    ]
    return rows + [
        Row(BENCHMARK, "one-minute song, stages' CPU in all", f"{sum(minute['cpu_seconds'].values()):.2f} s"),
        Row(
            BENCHMARK,
            f"one-minute song ({minute['duration']:.0f} s), render wall, voice loaded",
            f"{minute['wall']:.1f} s",
            f"<= {WALL_TARGET_SECONDS:.0f} s",
            minute["wall"] <= WALL_TARGET_SECONDS,
            f"load average {minute['load']:.1f} on 2 cores; stages (wall, accompany overlapping sing): "
            + ", ".join(f"{stage} {seconds:.1f}" for stage, seconds in minute["timings"].items()),
        ),
        Row(BENCHMARK, "one-minute song, render CPU, voice loaded", f"{minute['cpu']:.1f} s"),
        Row(
            BENCHMARK,
            "one-minute song, peak RSS (voice loaded, two renders)",
            f"{minute['peak_mb']:.0f} MB",
            f"<= {MEMORY_TARGET_MB:.0f} MB",
            minute["peak_mb"] <= MEMORY_TARGET_MB,
        ),
    ]


def _song_row(lines: int, song: dict) -> Row:
    per_second = ", ".join(
        f"{stage} {cpu / song['duration'] * 1000:.0f}" for stage, cpu in song["cpu_seconds"].items() if cpu >= 0.005
    )
    return Row(
        BENCHMARK,
        f"{lines}-line song ({song['duration']:.0f} s), render CPU / wall",
        f"{song['cpu']:.1f} s / {song['wall']:.1f} s",
        f"peak RSS <= {MEMORY_TARGET_MB:.0f} MB",
        song["peak_mb"] <= MEMORY_TARGET_MB,
        f"peak RSS {song['peak_mb']:.0f} MB; CPU ms per song second by stage: {per_second}; "
        f"load average {song['load']:.1f}",
    )


def _added_cost(shorter: tuple, longer: tuple) -> float:
    """CPU seconds per song second added from the shorter song to the longer."""
    (_, short), (_, long) = shorter, longer
    return (long["cpu"] - short["cpu"]) / (long["duration"] - short["duration"])


def _growth_row(shorter: tuple, longer: tuple, first_cost: float) -> Row:
    """One step of the growth: CPU ratio against length ratio, and the cost of each added second
    against the first step's (linear: it does not rise)."""
    (short_lines, short), (long_lines, long) = shorter, longer
    added = _added_cost(shorter, longer)
    return Row(
        BENCHMARK,
        f"growth {short_lines} -> {long_lines} lines ({short['duration']:.0f} -> {long['duration']:.0f} s)",
        f"length x{long['duration'] / short['duration']:.2f}, CPU x{long['cpu'] / short['cpu']:.2f}",
        f"an added second costs <= x{GROWTH_TOLERANCE:.2f} the first step's",
        added <= first_cost * GROWTH_TOLERANCE,
        f"each added song second cost {added:.3f} CPU s (first step {first_cost:.3f})",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the growth with length")
    parser.add_argument("--cprofile", action="store_true", help="print cProfile's top functions to stderr")
    arguments = parser.parse_args()
    print_table(measure(quick=arguments.quick, profile=arguments.cprofile))


if __name__ == "__main__":
    main()
