"""Noticing completion: how long after the upstream finishes a job is completed, and how many status requests it costs.

    .venv/bin/python -m bench.noticing_completion [--quick]

The upstream (bench/flow_rig.SlowUpstream on loopback) takes 50-70 s, the hosted API's stated time,
on a short clock of 1 s = 5 s: 10-14 s. The worker's poll delays are shortened by the same factor
(first 0.4 s, at most 3 s, at least 0.2 s apart, deadline 120 s), so the schedule is the real one
played five times faster. Each job's wait is measured in two parts and reported in real seconds:

    wait = (first status request after the upstream completed - upstream completed) x 5    [the schedule]
         + (job completed - that status request)                                         [download, store: not scaled]

The first part also holds the worker's own delay in starting the poll, multiplied by five, so the
short clock can only make the schedule look worse than it is. Jobs are made as the new-song page
makes them (jobs/flow.job_create), one every 0.4 s (about 15 in flight), on one app worker with four
pool processes, as docker-compose.yml runs it.

Before: the fixed backoff (MUSICGEN_POLL_LEARN_FROM=0: 2, 4, 8, then every 15 s). After: the schedule
learned from recent jobs (jobs/polling.py), once 40 warm-up jobs (two waves of 20) have completed.
"""

import time

from bench.flow_rig import (
    AppWorkers,
    SlowUpstream,
    app_queue_new,
    broker_forget,
    django_ready,
    jobs_forget,
    main,
    measured_in_own_process,
    percentile,
    progress,
    send_jobs,
    uniform_seconds,
)
from bench.report import Row

BENCHMARK = "Noticing completion"
CLOCK = 5  # real seconds per second of the benchmark
JOBS, QUICK_JOBS = 50, 20
WARM_UP_WAVES, QUICK_WARM_UP_WAVES = 2, 1
WAVE = 20
EVERY_SECONDS = 0.4
SHORT_CLOCK_SETTINGS = {
    "MUSICGEN_POLL_FIRST_DELAY": 2 / CLOCK,
    "MUSICGEN_POLL_MAX_DELAY": 15 / CLOCK,
    "MUSICGEN_POLL_DENSE_DELAY": 1 / CLOCK,
    "MUSICGEN_JOB_DEADLINE_SECONDS": 600 // CLOCK,
}


def measure(quick: bool = False) -> list[Row]:
    return measured_in_own_process("bench.noticing_completion", quick)


def measure_here(quick: bool) -> list[Row]:
    django_ready()
    jobs = QUICK_JOBS if quick else JOBS
    try:
        before = run("before", jobs, learn_from=0, warm_up_waves=0)
        after = run("after", jobs, learn_from=50, warm_up_waves=QUICK_WARM_UP_WAVES if quick else WARM_UP_WAVES)
    finally:
        broker_forget()
    return rows("before: fixed 2, 4, 8, 15 s", before) + rows("after: learned from recent jobs", after)


def run(label: str, jobs: int, *, learn_from: int, warm_up_waves: int) -> list[tuple[float, int, float]]:
    """(wait in real seconds, status requests, of the wait the part after the noticing request) for each
    of `jobs` measured jobs."""
    from django.core.cache import cache

    from jobs.polling import LEARNED_WINDOW_CACHE_KEY

    jobs_forget()
    app_queue_new(label)
    upstream = SlowUpstream(uniform_seconds(50 / CLOCK, 70 / CLOCK))
    settings_env = {**SHORT_CLOCK_SETTINGS, "MUSICGEN_POLL_LEARN_FROM": learn_from}
    workers = AppWorkers(1, concurrency=4, upstream_url=upstream.url, settings_env=settings_env)
    try:
        for wave in range(warm_up_waves):
            progress(f"{BENCHMARK}, {label}: warm-up wave {wave + 1} of {warm_up_waves}")
            run_wave(WAVE)
            # What the last wave taught is used at once, rather than after the cache's 30 s (150 s on this clock).
            cache.delete(LEARNED_WINDOW_CACHE_KEY)
        measured_from = len(upstream.generations)
        progress(f"{BENCHMARK}, {label}: {jobs} measured jobs")
        completed_at = run_wave(jobs)
    finally:
        workers.stop()
        upstream.close()
    measured = list(upstream.generations.items())[measured_from:]
    return [
        (
            (generation.seen_completed_at - generation.completes_at) * CLOCK
            + (completed_at[generation_id] - generation.seen_completed_at),
            len(generation.status_requests),
            completed_at[generation_id] - generation.seen_completed_at,
        )
        for generation_id, generation in measured
        if generation_id in completed_at
    ]


def run_wave(jobs: int) -> dict[str, float]:
    """Send `jobs` jobs and wait until they are final; when each completed one did, by generation id."""
    from jobs.models import Job

    already = Job.objects.count()
    send_jobs(jobs, every_seconds=EVERY_SECONDS)
    give_up_at = time.monotonic() + 2 * 70 / CLOCK + 30
    while time.monotonic() < give_up_at and Job.objects.filter(status__in=Job.FINAL_STATUSES).count() < already + jobs:
        time.sleep(0.2)
    completed = Job.objects.filter(status=Job.Status.COMPLETED).values_list("generation_id", "completed_at")
    return {generation_id: done.timestamp() for generation_id, done in completed}


def rows(schedule: str, measured: list[tuple[float, int, float]]) -> list[Row]:
    waits = [wait for wait, _, _ in measured]
    requests = [count for _, count, _ in measured]
    storing = [after for _, _, after in measured]
    p50, p95 = percentile(waits, 0.50), percentile(waits, 0.95)
    mean_requests = sum(requests) / len(requests)
    note = (
        f"{len(measured)} jobs, upstream 50-70 s on a clock of 1 s = {CLOCK} s (poll delays scaled alike); "
        f"mean {sum(waits) / len(waits):.2f} s, worst {max(waits):.2f} s, of which downloading and storing the "
        f"song p50 {percentile(storing, 0.5):.2f} s; requests mean {mean_requests:.1f}, most {max(requests)}"
    )
    return [
        Row(BENCHMARK, f"wait after upstream completes p50 / p95, {schedule}", f"{p50:.2f} s / {p95:.2f} s",
            "p95 <= 2 s", p95 <= 2, note),
        Row(BENCHMARK, f"status requests per job, most, {schedule}", f"{max(requests)}", "<= 20", max(requests) <= 20),
    ]  # fmt: skip


if __name__ == "__main__":
    main(__doc__, measure, measure_here)
