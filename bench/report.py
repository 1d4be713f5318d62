"""One row per measured figure, and the one table `make bench` prints (bench/run_all.py).

Every benchmark module in bench/ exposes `measure(quick: bool = False) -> list[Row]` and, when run
alone, prints its rows with `print_table`. A target is stated as text, and `met` says whether this
run met it (None where the row has no target).
"""

from dataclasses import dataclass


@dataclass
class Row:
    benchmark: str  # e.g. "Jobs in flight"
    measure: str  # e.g. "poll lateness p95, 1 worker process"
    value: str  # e.g. "0.41 s"
    target: str = ""  # e.g. "<= 2 s"
    met: bool | None = None
    note: str = ""  # how it was measured, or why a target was missed

    @property
    def verdict(self) -> str:
        return {True: "met", False: "missed", None: ""}[self.met]


def format_table(rows: list[Row]) -> str:
    """A Markdown table, ready for docs/benchmarks.md."""
    lines = ["| benchmark | measure | value | target | verdict | note |", "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        cells = (row.benchmark, row.measure, row.value, row.target, row.verdict, row.note)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines)


def print_table(rows: list[Row]) -> None:
    print(format_table(rows), flush=True)
