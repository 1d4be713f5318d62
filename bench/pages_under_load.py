"""The pages people load most, with 50 people using the site at once, through gunicorn as production runs it.

A PostgreSQL database of its own (`musicgen_bench`, made anew each run) holds 10,000 jobs in the
person's view: 5,000 of their own and 5,000 of a teammate's in the team they share, one in three
completed. gunicorn serves the app with the options docker-compose.yml gives the web service,
MUSICGEN_DEBUG=false, collected static files, the Redis cache. locust (headless) runs 50 simulated
people, each loading a page every 1-3 s (think time, as a person does): the history (page 1 and page
200), a job page, its status fragment (what the job page polls), a share page and its audio with a
Range header. The 50 arrive over 5 s and the statistics count from when all are there; when the
time is up each finishes the page it is loading. Each person comes from an address of their own
(X-Forwarded-For, as nginx sends it; MUSICGEN_TRUSTED_PROXY_COUNT=1 as in compose), so the share
pages' per-address limit counts them separately, as it would count 50 real people. After the load,
one person alone loads the history 40 times: what the page itself costs, without waiting behind others.

    .venv/bin/python bench/pages_under_load.py            # 60 s of load
    .venv/bin/python bench/pages_under_load.py --quick    # 30 s
"""

import argparse
import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stack  # noqa: E402
from bench.report import Row, print_table  # noqa: E402

DATABASE = "musicgen_bench"
JOBS = 10_000
CLIENTS = 50
# People arrive over 5 s rather than all in the same instant; statistics start once all 50 are there.
SPAWN_PER_SECOND = 10
ALONE_REQUESTS = 40
HISTORY_P95_TARGET_MS = 50
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile_pages.py"
# locust's request names (bench/locustfile_pages.py), in the order of the table.
PAGES = ["history", "history, page 200", "job page", "status fragment", "share page", "song audio, Range"]


def seed(jobs: int, song_path: str) -> dict:
    """The database's people and jobs, and what the simulated people need to load pages (in Django)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from jobs.models import Job
    from jobs.sharing import share_link_create
    from teams.services import team_add
    from tests.factories import JobFactory, UserFactory
    from tests.web.job_data import create_many_jobs, make_completed

    person, teammate = UserFactory(username="listener"), UserFactory(username="teammate")
    team_add(team_name="listener", user=teammate)
    prompt = "Line {n} of a song about the sea\nSecond line"
    peaks = [0.5] * 800
    create_many_jobs(person, jobs // 2, prompt=prompt, completed_every=3, song_peaks=peaks)
    create_many_jobs(teammate, jobs // 2, prompt=prompt, completed_every=3, song_peaks=peaks)
    song = make_completed(JobFactory(owner=person, prompt="The newest song\nSung for the benchmark"),
                          song_path=Path(song_path))  # fmt: skip
    generating = JobFactory(owner=person, prompt="A song still being made", status=Job.Status.GENERATING)
    _, share_token = share_link_create(job=song, created_by=person, expiry="7")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    browser = Client()
    browser.force_login(person)
    return {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "session": browser.cookies[settings.SESSION_COOKIE_NAME].value,
        "job": str(song.id),
        "generating_job": str(generating.id),
        "share_token": share_token,
    }


def run_locust(base_url: str, seeded: dict, seconds: int, workdir: Path) -> dict[str, dict]:
    """locust, headless, against base_url; returns its statistics row per request name."""
    env = os.environ | {f"BENCH_{key.upper()}": value for key, value in seeded.items()}
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", base_url,
        "--users", str(CLIENTS), "--spawn-rate", str(SPAWN_PER_SECOND), "--reset-stats",
        "--run-time", f"{seconds}s", "--stop-timeout", "10",
        "--csv", str(workdir / "locust"), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    finished = subprocess.run(command, cwd=stack.PROJECT_DIR, env=env, capture_output=True, text=True)
    if finished.returncode not in (0, 1):  # 1: some requests failed, which the table shows
        raise RuntimeError(f"locust failed:\n{finished.stderr[-2000:]}")
    with open(workdir / "locust_stats.csv", newline="") as stats:
        by_name = {row["Name"]: row for row in csv.DictReader(stats)}
    with open(workdir / "locust_failures.csv", newline="") as failures:
        for failure in csv.DictReader(failures):
            by_name[failure["Name"]].setdefault("errors", []).append(f"{failure['Occurrences']}x {failure['Error']}")
    return by_name


def measure(quick: bool = False) -> list[Row]:
    seconds = 30 if quick else 60
    with stack.production_stack("pages", DATABASE, MUSICGEN_TRUSTED_PROXY_COUNT="1") as bench:
        stack.manage(bench.env, "collectstatic", "--no-input")
        seeded = stack.call_with_django(
            bench.env, "bench.pages_under_load:seed", jobs=JOBS, song_path=str(stack.REAL_REFERENCE)
        )
        bench.start_web("/accounts/login/")
        stats = run_locust(bench.base_url, seeded, seconds, bench.var)
        alone_ms = history_alone(bench.base_url, seeded)
    return [_row(name, stats.get(name), seconds) for name in PAGES] + [_alone_row(alone_ms)]


def history_alone(base_url: str, seeded: dict) -> list[float]:
    """The history's time for one person alone, after the load: what the page costs without queueing."""
    browser = requests.Session()
    browser.cookies.set(seeded["session_cookie"], seeded["session"])
    times_ms = []
    for _ in range(ALONE_REQUESTS):
        started = time.perf_counter()
        answer = browser.get(f"{base_url}/", timeout=30, allow_redirects=False)
        times_ms.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    return sorted(times_ms)


def _alone_row(times_ms: list[float]) -> Row:
    p50, p95 = times_ms[len(times_ms) // 2], times_ms[int(len(times_ms) * 0.95)]
    return Row(
        "Pages under load",
        "history, one person alone",
        f"p50 {p50:.0f} / p95 {p95:.0f} ms",
        note=f"{len(times_ms)} requests one after another after the load: the page's own cost, without queueing",
    )


def _row(name: str, stats: dict | None, seconds: int) -> Row:
    if stats is None or not int(stats["Request Count"]):
        return Row("Pages under load", name, "no requests", note="locust recorded none: see its log")
    requests_count, failures = int(stats["Request Count"]), int(stats["Failure Count"])
    value = f"{float(stats['Requests/s']):.1f} req/s; p50 {stats['50%']} / p95 {stats['95%']} / p99 {stats['99%']} ms"
    note = f"{CLIENTS} clients, 1-3 s think time, {seconds} s, {requests_count} requests"
    if failures:
        note += f", {failures} failed ({'; '.join(stats.get('errors', []))[:120]})"
    if name != "history":
        return Row("Pages under load", name, value, note=note)
    p95 = float(stats["95%"])
    met = p95 <= HISTORY_P95_TARGET_MS and not failures
    if not met:
        note += f"; p95 over the target by {p95 - HISTORY_P95_TARGET_MS:.0f} ms"
    return Row("Pages under load", name, value, target=f"p95 <= {HISTORY_P95_TARGET_MS} ms", met=met, note=note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="30 s of load instead of 60 s")
    print_table(measure(parser.parse_args().quick))


if __name__ == "__main__":
    main()
