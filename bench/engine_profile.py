"""Where the engine's time goes: CPU seconds per stage of a one-minute song, the whole render's wall
time and peak memory with the voice already loaded, and how time grows with the song's length.

The machine this runs on is shared, so wall times are noisy: CPU time (time.process_time, every
thread of the process, the voice model's included) is the comparable figure, and every wall time
is reported beside the load average it was measured under. The stages are run one after another,
as render() would without its overlap, so each one's CPU is its own; the render rows then time
render() itself (loaded voice: the first render warms up, the second is timed).

    .venv/bin/python bench/engine_profile.py            # stages, render, growth with length (15-120 s)
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
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine_quality import MINUTE_LYRICS, REAL_REFERENCE  # noqa: E402
from bench.report import Row, print_table  # noqa: E402

BENCHMARK = "Engine stages"
SEED = 1
WALL_TARGET_SECONDS = 12.0
MEMORY_TARGET_MB = 1024.0
# Songs of about 15, 30, 60 and 120 seconds: 2, 4, 8 and 16 different lines (the song plan gives
# every line about the same bars). Different lines, as a repeated line is spoken only once.
GROWTH_LINES = {15: 2, 30: 4, 60: 8, 120: 16}
DIFFERENT_LINES = (
    "I walk along the river at dawn",
    "The city hums a song for you",
    "Hold me close beneath the stars",
    "Every step is bringing you home",
    "We run across the silver bridge",
    "Your voice is calling in the rain",
    "Take my hand and sing it loud",
    "The morning light is on the sea",
    "Dancing slowly through the night",
    "A thousand miles of open road",
    "Summer fades but we remain",
    "Hear the drums beneath the hill",
    "Paper boats on a winter stream",
    "Tell me all the things you know",
    "Golden fields and a quiet sky",
    "Never let the music end",
)


def minute_song_lyrics() -> str:
    """The eight lines of MINUTE_LYRICS (two of them sung twice) between a played intro and outro."""
    lines = [line for line in MINUTE_LYRICS.splitlines() if line.strip()]
    return "##\n" + "\n".join(lines) + "\n##"


def growth_lyrics(lines: int) -> str:
    return "##\n" + "\n".join(DIFFERENT_LINES[:lines]) + "\n##"


class _CpuClock:
    """CPU and wall seconds of each block run under `stage`."""

    def __init__(self):
        self.cpu, self.wall = {}, {}

    def stage(self, name: str, work):
        cpu, wall = time.process_time(), time.perf_counter()
        result = work()
        self.cpu[name] = time.process_time() - cpu
        self.wall[name] = time.perf_counter() - wall
        return result


def stage_times(lyrics: str, workdir: Path) -> _CpuClock:
    """Run render()'s stages one by one on the reference and time each."""
    from engine import accompaniment
    from engine.arrangement import arrange
    from engine.encoding import write_song
    from engine.lyrics import lyric_parts
    from engine.mixing import master, produce_vocal
    from engine.render import RATE, SPEAKING_THREADS, _analyse, _pronounce, _sing, _speak_each_line_once, _sung_notes
    from engine.song_plan import melody_middle, plan_song
    from engine.style import parse_style
    from engine.tempo import BEATS_PER_BAR
    from engine.voice import HIGHER_VOICE, LOWER_VOICE, load_voice

    voice = load_voice()
    wanted = parse_style("")
    clock = _CpuClock()
    analysis, _ = clock.stage("analyze", lambda: _analyse(REAL_REFERENCE, wanted, SEED, False))
    parts = lyric_parts(lyrics, "markers", False)
    plan_parts, sung_lines = clock.stage("phonemize", lambda: _pronounce(parts, voice))

    def compose():
        plan = plan_song(analysis, plan_parts, SEED, tempo=wanted.tempo_for(analysis.tempo), voice=wanted.voice)
        band = arrange(
            analysis, plan.bar_chords, plan.sections, BEATS_PER_BAR, np.random.default_rng([SEED, 1]), wanted
        )
        return plan, band

    plan, band = clock.stage("compose", compose)
    song_seconds = plan.duration + accompaniment.RELEASE_SECONDS
    band_audio = clock.stage("accompany", lambda: accompaniment.play(band, plan.beat_seconds, song_seconds))
    speaker = HIGHER_VOICE if melody_middle(analysis, wanted.voice)[0] else LOWER_VOICE

    def speak():
        with ThreadPoolExecutor(max_workers=SPEAKING_THREADS) as speaking:
            spoken = _speak_each_line_once(speaking, voice, speaker, sung_lines)
            wait(spoken)
        return spoken

    spoken = clock.stage("speak", speak)
    dry_vocal, _line_starts = clock.stage(
        "sing",
        lambda: _sing(spoken, [found for _, _, found in sung_lines], _sung_notes(plan), song_seconds),
    )
    song = clock.stage("mix", lambda: master(produce_vocal(dry_vocal, RATE), band_audio, RATE))
    clock.stage("write", lambda: write_song(song, RATE, workdir / "stages.mp3"))
    return clock


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
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        workdir = Path(folder)
        load = os.getloadavg()[0]
        clock = stage_times(minute_song_lyrics(), workdir)
        for stage, cpu in clock.cpu.items():
            rows.append(
                Row(
                    BENCHMARK,
                    f"one-minute song, stage {stage}, CPU",
                    f"{cpu:.2f} s",
                    note=f"wall {clock.wall[stage]:.2f} s, run alone, load average {load:.1f} on 2 cores",
                )
            )
        rows.append(Row(BENCHMARK, "one-minute song, stages' CPU in all", f"{sum(clock.cpu.values()):.2f} s"))
        minute = timed_render(minute_song_lyrics(), workdir / "minute.mp3", profile)
        rows += [
            Row(
                BENCHMARK,
                f"one-minute song ({minute['duration']:.0f} s), render wall, voice loaded",
                f"{minute['wall']:.1f} s",
                f"<= {WALL_TARGET_SECONDS:.0f} s",
                minute["wall"] <= WALL_TARGET_SECONDS,
                f"load average {minute['load']:.1f} on 2 cores; stages (wall, overlapping): "
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
        if profile:
            print(minute["profile"], file=sys.stderr)
        if not quick:
            for seconds, lines in GROWTH_LINES.items():
                grown = timed_render(growth_lyrics(lines), workdir / f"song-{seconds}.mp3")
                rows.append(
                    Row(
                        BENCHMARK,
                        f"{lines}-line song ({grown['duration']:.0f} s), render CPU / wall",
                        f"{grown['cpu']:.1f} s / {grown['wall']:.1f} s",
                        note=f"CPU per song second {grown['cpu'] / grown['duration']:.3f}; "
                        f"load average {grown['load']:.1f}; peak RSS {grown['peak_mb']:.0f} MB",
                    )
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the growth with length")
    parser.add_argument("--cprofile", action="store_true", help="print cProfile's top functions to stderr")
    arguments = parser.parse_args()
    print_table(measure(quick=arguments.quick, profile=arguments.cprofile))


if __name__ == "__main__":
    main()
