"""What one more engine worker buys: songs per minute with the engine worker at concurrency 1 and 2,
and with two engine worker processes, through every real part.

gunicorn (the web app and the local generation service, MUSICGEN_DEBUG=false), the app worker and
the engine worker(s) run as docker-compose.yml starts them, on a PostgreSQL database
(`musicgen_bench_scale`, made anew) and a Redis of this benchmark's own. For each shape, JOBS jobs
(a one-line lyric, the engine's shortest song of about 21 s, from the real 60 s reference) are
started at once through the JSON API and followed to `completed`; songs per minute = jobs /
(last completed - first created). The engine workers start afresh for each shape, so each run
includes loading the voice once per engine process, as a worker that has just been scaled out does.
The app worker polls the local service at most every 2 s here (MUSICGEN_POLL_MAX_DELAY=2), so the
figure is the workers', not the poll schedule's.

    .venv/bin/python bench/scale_out.py            # 5 jobs per shape
    .venv/bin/python bench/scale_out.py --quick    # 3 jobs per shape
"""

import argparse
import sys
import time
from datetime import datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import stack  # noqa: E402
from bench.report import Row, print_table  # noqa: E402

DATABASE = "musicgen_bench_scale"
JOBS, QUICK_JOBS = 5, 3
LYRICS = "Morning light upon the bay"
# (what the table calls it, the concurrency of each engine worker process)
SHAPES = [
    ("engine worker, concurrency 1", [1]),
    ("engine worker, concurrency 2", [2]),
    ("two engine worker processes, concurrency 1 each", [1, 1]),
]
APP_WORKER_CONCURRENCY = 4  # as compose runs it
JOB_TIMEOUT_SECONDS = 600


def create_person() -> dict:
    """A person with an API token (in Django); their personal team receives the jobs."""
    from django.contrib.auth import get_user_model

    from api.tokens import api_token_create

    person = get_user_model().objects.create_user(username="bench", password=None)
    _, token = api_token_create(user=person, name="scale-out benchmark")
    return {"token": token}


def run_jobs(base_url: str, token: str, count: int) -> list[dict]:
    """Start `count` jobs through the API at once and wait until every one is final; returns their final answers."""
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    job_urls = []
    for _ in range(count):
        with stack.REAL_REFERENCE.open("rb") as reference:
            answer = api.post(
                f"{base_url}/api/jobs/", data={"prompt": LYRICS}, files={"reference_track": reference}, timeout=60
            )
        answer.raise_for_status()
        job_urls.append(f"{base_url}/api/jobs/{answer.json()['id']}/")
    finished = {}
    deadline = time.monotonic() + JOB_TIMEOUT_SECONDS
    while len(finished) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{count - len(finished)} of {count} jobs were not final after {JOB_TIMEOUT_SECONDS} s")
        for url in job_urls:
            if url not in finished:
                job = api.get(url, timeout=30).json()
                if job["status"] in ("completed", "failed", "cancelled"):
                    finished[url] = job
        time.sleep(1)
    return list(finished.values())


def songs_per_minute(jobs: list[dict]) -> tuple[float, float]:
    """(songs per minute, seconds from the first job created to the last completed)."""
    first = min(datetime.fromisoformat(job["created_at"]) for job in jobs)
    last = max(datetime.fromisoformat(job["completed_at"]) for job in jobs)
    seconds = (last - first).total_seconds()
    return len(jobs) / seconds * 60, seconds


def measure(quick: bool = False) -> list[Row]:
    count = QUICK_JOBS if quick else JOBS
    rows = []
    settings = {"MUSICGEN_JOBS_PER_HOUR": "100000", "MUSICGEN_POLL_FIRST_DELAY": "2", "MUSICGEN_POLL_MAX_DELAY": "2"}
    with stack.production_stack("scale", DATABASE, **settings) as bench:
        env, processes = bench.env, bench.processes
        stack.manage(env, "create_generation_key", "app", "--key-file", str(bench.var / "localgen-app.key"))
        token = stack.call_with_django(env, "bench.scale_out:create_person")["token"]
        bench.start_web("/health/")  # no page is loaded: no static files to collect
        app_command = stack.celery_worker_command("worker", "app", env["MUSICGEN_APP_QUEUE"], APP_WORKER_CONCURRENCY)
        processes.wait_for_log("app-worker", processes.start("app-worker", app_command, env), " ready.")
        for shape_number, (shape, concurrencies) in enumerate(SHAPES):
            engines = []
            for index, concurrency in enumerate(concurrencies):
                command = stack.celery_worker_command(
                    "engine", f"engine{index}", env["MUSICGEN_ENGINE_QUEUE"], concurrency
                )
                engines.append(processes.start(f"engine-{shape_number}-{index}", command, env))
            for index, engine in enumerate(engines):
                processes.wait_for_log(f"engine-{shape_number}-{index}", engine, " ready.")
            rows.append(_row(shape, run_jobs(bench.base_url, token, count)))
            for engine in engines:
                processes.stop(engine)
    return rows


def _row(shape: str, jobs: list[dict]) -> Row:
    completed = [job for job in jobs if job["status"] == "completed"]
    if len(completed) < len(jobs):
        errors = {job["error"] for job in jobs if job["status"] != "completed"}
        return Row("Scale-out", shape, f"{len(jobs) - len(completed)} of {len(jobs)} jobs not completed",
                   note="; ".join(sorted(errors))[:200])  # fmt: skip
    rate, seconds = songs_per_minute(jobs)
    song = sum(job["song_duration"] for job in jobs) / len(jobs)
    return Row(
        "Scale-out",
        shape,
        f"{rate:.1f} songs/min",
        note=f"{len(jobs)} jobs of a {song:.0f} s song in {seconds:.0f} s, from the first created to the last completed",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_JOBS} jobs per shape instead of {JOBS}")
    print_table(measure(parser.parse_args().quick))


if __name__ == "__main__":
    main()
