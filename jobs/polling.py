"""When to ask the generator again about a generating job: densely where recent jobs finished, sparsely elsewhere.

A fixed backoff (MUSICGEN_POLL_FIRST_DELAY doubling up to MUSICGEN_POLL_MAX_DELAY: 2, 4, 8, then every
15 s) notices a finished song 7 s late on average. The hosted API's songs take a fairly steady time
(50-70 s), so the schedule learns that time from the last MUSICGEN_POLL_LEARN_FROM (20) jobs and spends its
requests where completion is likely:

    elapsed since sent:  0 ───── sparse (the fixed backoff) ───── start ─ dense ─ end ── backing off ──> deadline
                                                                  └ likely window ┘

- A generation's time is only known within bounds: it finished after the last poll that found it
  working (`Job.seen_working_at`) and before the poll that found it completed. The likely window runs
  from the 5th percentile of the earlier bounds to the 95th of the later ones, so jobs learned from a
  sparse schedule widen the window rather than shift it late (where it would stay: nothing would poll
  early enough to see otherwise). Inside it polls come every width / WINDOW_POLLS seconds, never
  closer than MUSICGEN_POLL_DENSE_DELAY nor further apart than MUSICGEN_POLL_MAX_DELAY. Before it,
  the backoff, not capped (completion is unlikely there), landing on the window's start. After it,
  the gap grows back to the maximum.
- With fewer than MIN_HISTORY recent jobs, or MUSICGEN_POLL_LEARN_FROM=0, the fixed backoff alone.
- Never past the job's deadline: the last poll lands just after it, and that poll fails the job.

Each model is learned on its own (a cover and a song from a style prompt need not take the same time).
"""

import statistics
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, F, OuterRef, Subquery, When
from django.utils import timezone

from generation.catalogue import MODELS
from jobs.models import Job, JobEvent

S = Job.Status

MIN_HISTORY = 10  # recent jobs needed before the schedule trusts what it learned
# Polls spread over the likely window (fewer where MUSICGEN_POLL_DENSE_DELAY stops it): for the hosted API's
# 50-70 s, with the 6 polls before the window and one after, 20 requests at most.
WINDOW_POLLS = 13
DEADLINE_MARGIN = 0.5  # seconds past the deadline that the last poll lands, so it fails the job
LEARNED_WINDOW_CACHE_KEY = "jobs.polling.learned-window"
LEARNED_WINDOW_CACHE_SECONDS = 30  # every poll asks; the database is asked at most this often


@dataclass(frozen=True)
class LikelyWindow:
    """Seconds after a job was accepted between which recent jobs completed, and the gap between polls there."""

    start: float
    end: float
    gap: float

    @classmethod
    def from_bounds(cls, bounds: list[tuple[float, float]]) -> "LikelyWindow | None":
        """From recent jobs' (finished after, finished by) seconds; None while there are too few."""
        if len(bounds) < MIN_HISTORY:
            return None
        start = _percentiles([after for after, _ in bounds])[0]  # the 5th
        end = _percentiles([by for _, by in bounds])[-1]  # the 95th
        gap = min(
            max((end - start) / WINDOW_POLLS, settings.MUSICGEN_POLL_DENSE_DELAY), settings.MUSICGEN_POLL_MAX_DELAY
        )
        return cls(start, end, gap)


def _percentiles(values):
    return statistics.quantiles(values, n=20, method="inclusive")  # 5th, 10th, ... 95th


def poll_delay(*, poll_number: int, elapsed: float, seconds_left: float, window: LikelyWindow | None) -> float:
    """Seconds until the next poll of a job accepted `elapsed` seconds ago, after its poll number `poll_number`."""
    backoff = settings.MUSICGEN_POLL_FIRST_DELAY * 2 ** min(poll_number, 30)  # a float would overflow near 2**1024
    if window is None:
        delay = min(backoff, settings.MUSICGEN_POLL_MAX_DELAY)
    elif elapsed + window.gap < window.start:  # unlikely to be done yet: the backoff may outgrow the maximum
        delay = min(backoff, window.start - elapsed)
    elif elapsed < window.end:
        delay = window.gap
    else:  # later than nearly every recent job: ever less likely to be done at the next poll
        delay = min(window.gap + (elapsed - window.end) / 2, settings.MUSICGEN_POLL_MAX_DELAY)
    return min(delay, max(seconds_left, 0) + DEADLINE_MARGIN)


def next_poll_delay(job: Job, poll_number: int) -> float:
    """Seconds until the next poll of a generating job, by the schedule learned from recent jobs."""
    now = timezone.now()
    return poll_delay(
        poll_number=poll_number,
        elapsed=(now - job.status_changed_at).total_seconds(),
        seconds_left=(job.deadline_at - now).total_seconds() if job.deadline_at else float("inf"),
        window=learned_window(job.model),
    )


def forget_learned_windows() -> None:
    """Drop every model's cached window, so the next poll learns from the database at once."""
    cache.delete_many([f"{LEARNED_WINDOW_CACHE_KEY}:{model}" for model in MODELS])


def learned_window(model: str) -> LikelyWindow | None:
    if settings.MUSICGEN_POLL_LEARN_FROM == 0:
        return None
    cache_key = f"{LEARNED_WINDOW_CACHE_KEY}:{model}"
    bounds = cache.get(cache_key)
    if bounds is None:
        bounds = recent_generation_bounds(settings.MUSICGEN_POLL_LEARN_FROM, model)
        cache.set(cache_key, bounds, LEARNED_WINDOW_CACHE_SECONDS)
    return LikelyWindow.from_bounds(bounds)


def recent_generation_bounds(limit: int, model: str) -> list[tuple[float, float]]:
    """For the last `limit` jobs of `model` the generator completed: (finished after, finished by), in seconds
    after the job was accepted. "After" is the last poll that found it working (0 if the first poll found it done)."""
    accepted_at = JobEvent.objects.filter(
        job_id=OuterRef("job_id"), attempt=OuterRef("attempt"), to_status=S.GENERATING
    ).order_by("-at")
    seen_completed = (
        JobEvent.objects.filter(from_status=S.GENERATING, to_status=S.DOWNLOADING, job__model=model)
        .annotate(
            accepted_at=Subquery(accepted_at.values("at")[:1]),
            seen_working_at=Case(When(attempt=F("job__attempt"), then=F("job__seen_working_at"))),
        )
        .order_by("-at")
        .values_list("accepted_at", "seen_working_at", "at")[:limit]
    )
    bounds = []
    for accepted, seen_working, seen_completed_at in seen_completed:
        if accepted is None:
            continue
        after = (seen_working - accepted).total_seconds() if seen_working and seen_working > accepted else 0.0
        bounds.append((after, (seen_completed_at - accepted).total_seconds()))
    return bounds
