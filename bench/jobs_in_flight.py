"""Jobs in flight: 1,000 jobs generating at once against a slow upstream, on one app worker process, then on four.

    .venv/bin/python -m bench.jobs_in_flight [--quick]

The upstream (bench/flow_rig.SlowUpstream on loopback) completes each generation 3-8 minutes after it
was sent, on a short clock: 1 minute = 3 s, so 9-24 s. The poll delays are NOT shortened: the real
2, 4, 8, then 15 s, so the worker carries the request rate 1,000 real jobs make (about 67 polls a
second once they are all in the 15 s phase; more while the youngest are in their 2-8 s phase). What
the short clock changes is only how many polls each job lives through (about 5 instead of 15-35).
The learned schedule is off (MUSICGEN_POLL_LEARN_FROM=0): learned from 15-40 s it would poll every 2 s,
five times the rate real 3-8 minute jobs cause; learned from real 3-8 minutes its gap is the 15 s
maximum anyway.

The 1,000 jobs are accepted evenly over 15 s, so every second of the steady state is represented:
created at once as the submit step leaves them (generating, with the upstream's id), each with its
first poll scheduled by jobs/flow.schedule 2 s after its acceptance. Measured: each poll's lateness (start minus its scheduled ETA, recorded
by the worker: bench/flow_worker.py), the worker's resident memory (main process and pool, sampled
every 0.5 s), jobs starved (two of its polls more than twice the longest gap apart) and jobs lost
(not completed once every generation has completed and the longest gap has passed, twice).
"""

import os
import time
from itertools import pairwise

from bench.flow_rig import (
    AppWorkers,
    SlowUpstream,
    app_queue_new,
    bench_owner,
    broker_forget,
    django_ready,
    jobs_forget,
    main,
    measured_in_own_process,
    percentile,
    poll_lateness_read_and_forget,
    progress,
    tone_wav,
    uniform_seconds,
)
from bench.report import Row

BENCHMARK = "Jobs in flight"
JOBS, QUICK_JOBS = 1000, 200
MINUTE = 3.0  # seconds of the benchmark's clock for one minute of the upstream's
ARRIVAL_SECONDS = 15.0


def measure(quick: bool = False) -> list[Row]:
    return measured_in_own_process("bench.jobs_in_flight", quick)


def measure_here(quick: bool) -> list[Row]:
    django_ready()
    jobs = QUICK_JOBS if quick else JOBS
    try:
        return run(jobs, workers=1) + run(jobs, workers=4)
    finally:
        broker_forget()


def run(jobs: int, *, workers: int) -> list[Row]:
    from django.conf import settings
    from django.db.models import Count

    from jobs.models import Job

    jobs_forget()
    load_before = os.getloadavg()[0]
    app_queue_new(f"{workers}-workers")
    upstream = SlowUpstream(uniform_seconds(3 * MINUTE, 8 * MINUTE))
    app_workers = AppWorkers(
        workers, concurrency=1, upstream_url=upstream.url, settings_env={"MUSICGEN_POLL_LEARN_FROM": 0}
    )
    try:
        poll_lateness_read_and_forget()
        progress(f"{BENCHMARK}: {jobs} jobs accepted over {ARRIVAL_SECONDS:.0f} s, {workers} worker process(es)")
        send_generating_jobs(upstream, jobs)
        longest_gap = settings.MUSICGEN_POLL_MAX_DELAY
        give_up_at = max(g.completes_at for g in upstream.generations.values()) + 2 * longest_gap
        while time.time() < give_up_at and Job.objects.filter(status=Job.Status.COMPLETED).count() < jobs:
            time.sleep(1)
        lateness = poll_lateness_read_and_forget()
        by_status = dict(Job.objects.values_list("status").annotate(n=Count("id")))
    finally:
        app_workers.stop()
        upstream.close()

    lost = jobs - by_status.get(Job.Status.COMPLETED, 0)
    starved = sum(
        1
        for generation in upstream.generations.values()
        if any(b - a > 2 * longest_gap for a, b in pairwise(generation.status_requests))
    )
    rss_mb = max(app_workers.rss_peaks) / 2**20
    cpu_ms_per_poll = 1000 * sum(app_workers.cpu_seconds) / len(lateness)
    who = "1 worker process" if workers == 1 else f"{workers} worker processes"
    note = (
        f"{jobs} jobs, upstream 3-8 min on a clock of 1 min = {MINUTE:.0f} s, real poll delays; "
        f"{len(lateness)} polls, worst {max(lateness):.1f} s late; {cpu_ms_per_poll:.0f} ms of worker CPU a poll; "
        f"machine load {load_before:.0f} before, {os.getloadavg()[0]:.0f} after; statuses {by_status}"
    )
    p50, p95 = percentile(lateness, 0.50), percentile(lateness, 0.95)
    return [
        Row(BENCHMARK, f"poll lateness p50 / p95, {who}", f"{p50:.2f} s / {p95:.2f} s", "p95 <= 2 s", p95 <= 2, note),
        Row(BENCHMARK, f"worker RSS peak, {who}", f"{rss_mb:.0f} MB", "<= 500 MB", rss_mb <= 500, "per worker"),
        Row(BENCHMARK, f"jobs starved / lost, {who}", f"{starved} / {lost}", "0 / 0", starved == 0 and lost == 0),
    ]


def send_generating_jobs(upstream: SlowUpstream, count: int) -> None:
    """`count` jobs as the submit step leaves them, accepted by the upstream evenly over the next
    ARRIVAL_SECONDS: created at once (so that creating them does not compete with polling them), each
    with its first poll scheduled MUSICGEN_POLL_FIRST_DELAY after its acceptance."""
    from datetime import timedelta

    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from jobs import flow
    from jobs.models import Job

    owner, team = bench_owner()
    reference = default_storage.save("bench/reference.wav", ContentFile(tone_wav(16.0)))
    now, wall_now = timezone.now(), time.time()
    accepted_after = [n * ARRIVAL_SECONDS / count for n in range(count)]
    jobs = Job.objects.bulk_create(
        Job(
            owner=owner,
            team=team,
            prompt="A song in flight",
            reference_track=reference,
            reference_name="reference.wav",
            reference_format="wav",
            reference_duration=16.0,
            reference_size=705644,
            status=Job.Status.GENERATING,
            status_changed_at=now + timedelta(seconds=offset),
            generation_id=upstream.add(sent_at=wall_now + offset),
            upstream_status="queued",
            deadline_at=now + timedelta(seconds=offset + settings.MUSICGEN_JOB_DEADLINE_SECONDS),
        )
        for offset in accepted_after
    )
    for job, offset in zip(jobs, accepted_after, strict=True):
        flow.schedule("poll", job.id, 0, countdown=offset + settings.MUSICGEN_POLL_FIRST_DELAY)
    progress(f"{BENCHMARK}: {count} jobs created and their first polls sent in {time.time() - wall_now:.1f} s")


if __name__ == "__main__":
    main(__doc__, measure, measure_here)
