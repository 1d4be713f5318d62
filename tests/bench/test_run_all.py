"""`make bench` prints one table even when a benchmark is missing or crashes (bench/run_all.py)."""

import sys

import pytest

from bench.report import Row, format_table
from bench.run_all import run


@pytest.fixture
def bench_modules(tmp_path, monkeypatch):
    """A folder of extra bench/ modules: bench is a namespace package, so a second bench/ folder joins it."""
    folder = tmp_path / "bench"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(tmp_path))
    yield folder
    for name in [name for name in sys.modules if name.startswith("bench.") and name.endswith("_example")]:
        del sys.modules[name]


def test_a_benchmark_not_on_this_branch_is_a_row_saying_so():
    rows = run("no_such_benchmark", "No such benchmark", quick=False)
    assert rows == [
        Row("No such benchmark", "not present", "", note="bench/no_such_benchmark.py does not exist on this branch")
    ]


def test_a_benchmark_that_crashes_is_a_row_naming_the_error(bench_modules):
    (bench_modules / "crashing_example.py").write_text("def measure(quick):\n    raise OSError('no space left')\n")
    rows = run("crashing_example", "Crashing", quick=False)
    assert rows == [Row("Crashing", "crashed", "", note="OSError: no space left")]


def test_a_benchmark_gets_the_quick_flag_and_its_rows_go_into_the_table(bench_modules):
    (bench_modules / "quick_example.py").write_text(
        "from bench.report import Row\n"
        "def measure(quick):\n"
        "    return [Row('Quick', 'mode', 'quick' if quick else 'full', target='quick', met=quick)]\n"
    )
    rows = run("quick_example", "Quick", quick=True)
    assert format_table(rows).splitlines()[-1] == "| Quick | mode | quick | quick | met |  |"
