"""How long the engine takes for songs of about 15, 30, 60 and 120 seconds, and how time grows with length.

Each song is rendered from the real reference (acestep_test_track_001.mp3, 89 BPM) in a fresh
process (bench/engine_quality.py's render_fresh), so its peak memory is one render's, the voice
model's load included. The song's length follows the lyrics: about two bars a line plus the `##`
intro and outro; the engine makes no song shorter than 20 s, so the shortest here is one line.
Real-time factor = render time (without loading the voice) / song length; growth = how much the
render's CPU time (and wall time) is multiplied each time the song's length doubles (2.0 is linear).

    .venv/bin/python bench/engine_speed.py            # 15, 30, 60 and 120 s songs
    .venv/bin/python bench/engine_speed.py --quick    # 15 and 30 s
"""

import argparse
import math
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine_quality import render_fresh  # noqa: E402
from bench.report import Row, print_table  # noqa: E402
from bench.stack import REAL_REFERENCE  # noqa: E402

# Different lines of seven syllables each (bench/engine_profile.py's growth songs take up to 20).
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
# (song length asked for in seconds, lyric lines, `##` intro and outro), measured on the real reference.
SONGS = [(15, 1, False), (30, 2, True), (60, 8, True), (120, 18, True)]
# Issue 12's targets: a one-minute song in 12 s with the voice loaded, within 1 GB, time at most linear.
MINUTE_WALL_TARGET_SECONDS = 12
PEAK_RSS_TARGET_MB = 1024
LINEAR_GROWTH = 2.0


def lyrics_of(lines: int, intro_and_outro: bool) -> str:
    text = "\n".join(LINES[:lines])
    return f"##\n{text}\n##" if intro_and_outro else text


def measure(quick: bool = False) -> list[Row]:
    songs = SONGS[:2] if quick else SONGS
    renders = []
    with tempfile.TemporaryDirectory(prefix="musicgen-bench-engine-") as folder:
        for asked, lines, intro_and_outro in songs:
            out_path, stems = Path(folder) / f"song-{asked}.mp3", Path(folder) / f"stems-{asked}"
            result = render_fresh(REAL_REFERENCE, lyrics_of(lines, intro_and_outro), 1, out_path, stems)
            renders.append((asked, lines, result))
    rows = [_render_row(asked, lines, result) for asked, lines, result in renders]
    return rows + [_growth_row(renders)]


def _singing_seconds(result: dict) -> float:
    """The render's time with the voice already loaded, as a worker that has rendered before has it."""
    return result["wall"] - result["timings"].get("load voice", 0.0)


def _render_row(asked: int, lines: int, result: dict) -> Row:
    duration, singing = result["duration"], _singing_seconds(result)
    peak_mb = max(result["peak_memory_mb"].values())
    value = (
        f"{duration:.1f} s song: {result['wall']:.1f} s wall ({singing:.1f} s with the voice loaded), "
        f"real-time factor {singing / duration:.2f}, {result['cpu']:.1f} CPU s, peak RSS {peak_mb:.0f} MB"
    )
    note = f"{lines} lyric line{'s' if lines > 1 else ''}; " + ", ".join(
        f"{stage} {seconds:.1f}" for stage, seconds in result["timings"].items()
    )
    if asked != 60:
        met = peak_mb <= PEAK_RSS_TARGET_MB
        target = f"peak RSS <= {PEAK_RSS_TARGET_MB} MB"
    else:
        met = singing <= MINUTE_WALL_TARGET_SECONDS and peak_mb <= PEAK_RSS_TARGET_MB
        target = f"<= {MINUTE_WALL_TARGET_SECONDS} s with the voice loaded, peak RSS <= {PEAK_RSS_TARGET_MB} MB"
        if singing > MINUTE_WALL_TARGET_SECONDS:
            note = f"{singing - MINUTE_WALL_TARGET_SECONDS:.1f} s over the time target; " + note
    if peak_mb > PEAK_RSS_TARGET_MB:
        note = f"{peak_mb - PEAK_RSS_TARGET_MB:.0f} MB over the memory target; " + note
    return Row("Engine speed", f"~{asked} s song", value, target=target, met=met, note=note)


def _growth_row(renders: list) -> Row:
    """How the render's CPU time and wall time multiply per doubling of the song's length, between neighbours.

    The verdict is on CPU time: on a machine others share, wall time also measures their work.
    """
    steps = []
    for (_, _, shorter), (_, _, longer) in zip(renders, renders[1:], strict=False):
        doublings = math.log2(longer["duration"] / shorter["duration"])
        cpu = (longer["cpu"] / shorter["cpu"]) ** (1 / doublings)
        wall = (_singing_seconds(longer) / _singing_seconds(shorter)) ** (1 / doublings)
        steps.append((shorter["duration"], longer["duration"], cpu, wall))
    value = "; ".join(f"{a:.0f} -> {b:.0f} s: CPU x{cpu:.2f}, wall x{wall:.2f}" for a, b, cpu, wall in steps)
    worst = max(cpu for _, _, cpu, _ in steps)
    met = worst <= LINEAR_GROWTH
    note = "per doubling of the song's length; x2.00 is linear; verdict on CPU time"
    if not met:
        note += f"; worst step x{worst:.2f}, {worst - LINEAR_GROWTH:.2f} over linear"
    return Row("Engine speed", "growth with length", value, target="<= x2.0 per doubling (linear)", met=met, note=note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="only the 15 and 30 s songs")
    print_table(measure(parser.parse_args().quick))


if __name__ == "__main__":
    main()
