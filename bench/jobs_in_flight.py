"""Jobs in flight: 1,000 jobs generating at once against a slow upstream, on one app worker process, then on four.

    .venv/bin/python -m bench.jobs_in_flight [--quick]

The upstream (bench/flow_rig.SlowUpstream on loopback) completes each generation 3-8 minutes after
it was sent. Rather than shrink those minutes (which would multiply the polls a job makes per
second, and so the load, by the same factor), the run joins 1,000 jobs mid-flight, on the real clock,
as a site with 1,000 jobs in flight would look at any moment: each takes 3-8 min (drawn uniformly)
and is somewhere in it (at least 15 s in, drawn uniformly), so all are in the phase where a job is
polled every 15 s (MUSICGEN_POLL_MAX_DELAY), their next polls due evenly over the next 15 s. The run
then watches WINDOW_SECONDS of that steady state: about 67 polls a second, plus the downloads of
the jobs whose time ends in the window (about 3 a second, the rate at which such a site finishes
songs; the jobs it would start meanwhile are left out). The jobs are created as the poll step leaves
them (generating, four polls made, the fifth scheduled by jobs/flow.schedule).

The learned schedule is off (MUSICGEN_POLL_LEARN_FROM=0): for a 3-8 minute spread it would poll
every 15 s inside the window and less often before it, so the fixed backoff is the heavier case.

Measured: each poll's lateness (start minus its scheduled ETA, recorded by the worker:
bench/flow_worker.py), the worker's resident memory (main process and pool, sampled every 0.5 s),
the worker's CPU time per poll, jobs starved (a poll of theirs ran more than 15 s, a whole gap, late)
and jobs lost (still generating at the end with no poll of theirs waiting in the broker, once the
workers have stopped and handed back what they held).
"""

import os
import random
import time

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
    steps_waiting_in_broker,
    tone_wav,
)
from bench.report import Row

BENCHMARK = "Jobs in flight"
JOBS, QUICK_JOBS = 1000, 200
WINDOW_SECONDS, QUICK_WINDOW_SECONDS = 50, 20
POLLS_MADE = 4  # polls after 2, 4, 8, 16 s: the next ones come every MUSICGEN_POLL_MAX_DELAY


def measure(quick: bool = False) -> list[Row]:
    return measured_in_own_process("bench.jobs_in_flight", quick)


def measure_here(quick: bool) -> list[Row]:
    django_ready()
    jobs, window = (QUICK_JOBS, QUICK_WINDOW_SECONDS) if quick else (JOBS, WINDOW_SECONDS)
    try:
        return run(jobs, window, workers=1) + run(jobs, window, workers=4)
    finally:
        broker_forget()


def run(jobs: int, window: float, *, workers: int) -> list[Row]:
    from django.conf import settings
    from django.db.models import Count

    from jobs.models import Job

    jobs_forget()
    load_before = os.getloadavg()[0]
    queue = f"{workers}-workers"
    app_queue_new(queue)
    upstream = SlowUpstream(seconds=None)
    app_workers = AppWorkers(
        workers, concurrency=1, upstream_url=upstream.url, settings_env={"MUSICGEN_POLL_LEARN_FROM": 0}
    )
    try:
        poll_lateness_read_and_forget()
        progress(f"{BENCHMARK}: {jobs} jobs in flight, {workers} worker process(es), {window} s")
        send_jobs_in_flight(upstream, jobs)
        time.sleep(window)
    finally:
        app_workers.stop()
        upstream.close()
    lateness = poll_lateness_read_and_forget()
    by_status = dict(Job.objects.values_list("status").annotate(n=Count("id")))
    polls_waiting = {
        args[0] for task, args in steps_waiting_in_broker(settings.MUSICGEN_APP_QUEUE) if task.endswith(".poll")
    }
    generating = {
        str(job_id) for job_id in Job.objects.filter(status=Job.Status.GENERATING).values_list("id", flat=True)
    }
    lost = len(generating - polls_waiting)
    starved = sum(1 for late in lateness if late > settings.MUSICGEN_POLL_MAX_DELAY)

    rss_mb = max(app_workers.rss_peaks) / 2**20
    cpu_ms_per_poll = 1000 * sum(app_workers.cpu_seconds) / max(1, len(lateness))
    who = "1 worker process" if workers == 1 else f"{workers} worker processes"
    note = (
        f"{jobs} jobs mid-flight, upstream 3-8 min, real clock and poll delays, {window} s observed; "
        f"{len(lateness)} polls ({len(lateness) / window:.0f}/s), worst {max(lateness):.1f} s late; "
        f"{cpu_ms_per_poll:.0f} ms of worker CPU a poll (start-up included); machine load {load_before:.0f} "
        f"before, {os.getloadavg()[0]:.0f} after; statuses at the end {by_status}"
    )
    p50, p95 = percentile(lateness, 0.50), percentile(lateness, 0.95)
    return [
        Row(BENCHMARK, f"poll lateness p50 / p95, {who}", f"{p50:.2f} s / {p95:.2f} s", "p95 <= 2 s", p95 <= 2, note),
        Row(BENCHMARK, f"worker RSS peak, {who}", f"{rss_mb:.0f} MB", "<= 500 MB", rss_mb <= 500, "per worker"),
        Row(BENCHMARK, f"polls over 15 s late / jobs lost, {who}", f"{starved} / {lost}", "0 / 0",
            starved == 0 and lost == 0),
    ]  # fmt: skip


def send_jobs_in_flight(upstream: SlowUpstream, count: int) -> None:
    """`count` jobs taking 3-8 min, each at least 15 s into it, with their next poll due over the next 15 s."""
    from datetime import timedelta

    from django.conf import settings
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from jobs import flow
    from jobs.models import Job

    owner, team = bench_owner()
    reference = default_storage.save("bench/reference.wav", ContentFile(tone_wav(16.0)))
    draw = random.Random(7)
    now, wall_now = timezone.now(), time.time()
    durations = [draw.uniform(180, 480) for _ in range(count)]
    ages = [draw.uniform(15, seconds) for seconds in durations]
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
            status_changed_at=now - timedelta(seconds=age),
            generation_id=upstream.add(sent_at=wall_now - age, seconds=seconds),
            upstream_status="generating",
            polls=POLLS_MADE,
            deadline_at=now + timedelta(seconds=settings.MUSICGEN_JOB_DEADLINE_SECONDS - age),
        )
        for age, seconds in zip(ages, durations, strict=True)
    )
    for n, job in enumerate(jobs):
        flow.schedule("poll", job.id, POLLS_MADE, countdown=n * settings.MUSICGEN_POLL_MAX_DELAY / count)
    progress(f"{BENCHMARK}: {count} jobs created and their next polls sent in {time.time() - wall_now:.1f} s")


if __name__ == "__main__":
    main(__doc__, measure, measure_here)
