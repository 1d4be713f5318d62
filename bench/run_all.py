"""`make bench`: every benchmark in bench/, one after the other, in one table (bench/report.py).

Each module's measure(quick) gives its rows; a module that is missing or crashes gets a row saying
so, and the others still run. The engine's quality benchmark runs in its quick mode (the real
reference only): its full run takes longer than all the others together.

    .venv/bin/python bench/run_all.py            # what `make bench` runs
    .venv/bin/python bench/run_all.py --quick    # every benchmark in its quick mode
"""

import argparse
import importlib
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report import Row, format_table  # noqa: E402
from bench.stack import machine  # noqa: E402

# (module in bench/, what the table calls it, quick in `make bench`), in the order of the table.
BENCHMARKS = [
    ("jobs_in_flight", "Jobs in flight", False),
    ("orchestration", "Orchestration overhead", False),
    ("noticing_completion", "Noticing completion", False),
    ("pages_under_load", "Pages under load", False),
    ("uploads", "Uploads", False),
    ("engine_profile", "Engine speed", False),
    ("scale_out", "Scale-out", False),
    ("engine_quality", "Engine quality", True),
]


def run(module_name: str, title: str, quick: bool) -> list[Row]:
    try:
        module = importlib.import_module(f"bench.{module_name}")
    except ModuleNotFoundError as missing:
        if missing.name != f"bench.{module_name}":
            raise
        return [Row(title, "not present", "", note=f"bench/{module_name}.py does not exist on this branch")]
    started = time.monotonic()
    try:
        rows = module.measure(quick)
    except Exception as crash:  # noqa: BLE001 -- one benchmark's crash is a row, the others still run
        traceback.print_exc()
        return [Row(title, "crashed", "", note=f"{type(crash).__name__}: {crash}"[:300])]
    print(f"{title}: {time.monotonic() - started:.0f} s", file=sys.stderr, flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="every benchmark in its quick mode")
    arguments = parser.parse_args()
    started = time.monotonic()
    rows = []
    for module_name, title, quick in BENCHMARKS:
        rows += run(module_name, title, quick or arguments.quick)
    minutes, seconds = divmod(round(time.monotonic() - started), 60)
    print(f"musicgen benchmarks, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}; all in {minutes} min {seconds} s")
    print()
    print(format_table(rows), flush=True)


if __name__ == "__main__":
    main()
