"""Orchestration overhead: what the app adds to a job, from upload to completed with the song stored.

    .venv/bin/python -m bench.orchestration [--quick]

The upstream (bench/flow_rig.SlowUpstream on loopback) completes every generation at once, so what is
left is the app's own work: storing the reference and recording the job (jobs/flow.job_create, as
the new-song page calls it with a validated upload), the submit step, the first poll, and downloading,
checking and storing a 3 s song. The first poll waits MUSICGEN_POLL_FIRST_DELAY (2 s) by design; it is
subtracted. One app worker with four pool processes, as docker-compose.yml runs it; a new job every
0.25 s (200 jobs in 50 s), so jobs overlap as they would on a busy site without queueing behind each other.
"""

import time

from bench.flow_rig import (
    AppWorkers,
    SlowUpstream,
    app_queue_new,
    broker_forget,
    django_ready,
    main,
    measured_in_own_process,
    percentile,
    progress,
    send_jobs,
)
from bench.report import Row

BENCHMARK = "Orchestration overhead"
JOBS, QUICK_JOBS = 200, 40
EVERY_SECONDS = 0.25


def measure(quick: bool = False) -> list[Row]:
    return measured_in_own_process("bench.orchestration", quick)


def measure_here(quick: bool) -> list[Row]:
    django_ready()
    from django.conf import settings

    from jobs.models import Job

    app_queue_new("orchestration")
    jobs = QUICK_JOBS if quick else JOBS
    upstream = SlowUpstream(lambda: 0.0)
    workers = AppWorkers(1, concurrency=4, upstream_url=upstream.url, settings_env={})
    try:
        progress(f"{BENCHMARK}: {jobs} jobs, one every {EVERY_SECONDS} s")
        send_jobs(jobs, every_seconds=EVERY_SECONDS)
        give_up_at = time.monotonic() + 60
        while time.monotonic() < give_up_at and Job.objects.filter(status=Job.Status.COMPLETED).count() < jobs:
            time.sleep(0.5)
        finished = list(Job.objects.filter(status=Job.Status.COMPLETED).values_list("created_at", "completed_at"))
    finally:
        workers.stop()
        upstream.close()
        broker_forget()

    first_delay = settings.MUSICGEN_POLL_FIRST_DELAY
    overheads = [(done - created).total_seconds() - first_delay for created, done in finished]
    p50, p95 = percentile(overheads, 0.50), percentile(overheads, 0.95)
    note = (
        f"{len(finished)} of {jobs} jobs completed; upload (reference stored, job recorded) to completed "
        f"minus the {first_delay:g} s first poll delay; worst {max(overheads):.2f} s; "
        f"upstream instant on loopback, 1 app worker -c 4"
    )
    return [
        Row(BENCHMARK, "upload -> completed, minus first poll delay, p50", f"{p50:.2f} s", "", None, note),
        Row(BENCHMARK, "upload -> completed, minus first poll delay, p95", f"{p95:.2f} s", "<= 1 s", p95 <= 1),
    ]


if __name__ == "__main__":
    main(__doc__, measure, measure_here)
