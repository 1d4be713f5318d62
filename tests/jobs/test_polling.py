"""The poll schedule of a generating job (jobs/polling.py), with the default settings: first poll after 2 s,
at most 15 s apart, at least 1 s apart where recent jobs finished."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from jobs.models import Job, JobEvent
from jobs.polling import LikelyWindow, learned_window, poll_delay, recent_generation_bounds
from tests.conftest import forget_this_runs_cache
from tests.factories import JobFactory

S = Job.Status
DEADLINE = 600
HOSTED_API_TIMES = [50 + 20 * i / 59 for i in range(60)]  # the hosted API's stated 50-70 s, evenly


def known_exactly(times):
    """Bounds (finished after, finished by) of jobs polled so densely that each time is known."""
    return [(t, t) for t in times]


HOSTED_API = known_exactly(HOSTED_API_TIMES)


def poll_times(window, *, until, deadline=DEADLINE):
    """When the polls of a job accepted at 0 s happen, up to the first one at or after `until` seconds
    (or past the deadline: that poll fails the job)."""
    elapsed, poll_number, times = 2.0, 0, [2.0]
    while elapsed < until and elapsed <= deadline:
        elapsed += poll_delay(poll_number=poll_number, elapsed=elapsed, seconds_left=deadline - elapsed, window=window)
        poll_number += 1
        times.append(elapsed)
    return times


def test_with_no_history_polls_back_off_2_4_8_then_every_15_seconds():
    assert poll_times(None, until=60) == [2, 4, 8, 16, 31, 46, 61]


def test_fewer_than_ten_recent_jobs_teach_nothing():
    assert LikelyWindow.from_bounds(HOSTED_API[:9]) is None


def test_history_of_50_to_70_seconds_makes_the_likely_window_the_5th_to_95th_percentile():
    window = LikelyWindow.from_bounds(HOSTED_API)

    assert (window.start, window.end) == (pytest.approx(51, abs=0.1), pytest.approx(69, abs=0.1))
    assert window.gap == pytest.approx(18 / 13, abs=0.01)


@pytest.mark.parametrize("completed_after", [50.0, 55.3, 60.0, 64.9, 69.0, 70.0])
def test_a_job_finishing_in_the_learned_window_is_noticed_within_2_seconds_in_at_most_20_requests(completed_after):
    times = poll_times(LikelyWindow.from_bounds(HOSTED_API), until=completed_after)

    assert times[-1] - completed_after <= 2
    assert len(times) <= 20


def test_before_the_learned_window_polls_back_off_beyond_the_maximum_and_land_on_its_start():
    times = poll_times(LikelyWindow.from_bounds(HOSTED_API), until=51)

    assert times == pytest.approx([2, 4, 8, 16, 32, 51], abs=0.1)


def test_inside_the_learned_window_polls_come_every_thirteenth_of_it():
    times = poll_times(LikelyWindow.from_bounds(HOSTED_API), until=69)
    inside = [t for t in times if 51 <= t <= 69]

    gaps = {round(later - earlier, 2) for earlier, later in pairwise(inside)}
    assert gaps == {round(18 / 13, 2)}


def test_a_wide_window_spreads_polls_no_further_apart_than_the_maximum():
    window = LikelyWindow.from_bounds(known_exactly([180 + 300 * i / 59 for i in range(60)]))  # 3-8 minutes

    assert window.gap == 15


def test_a_narrow_window_keeps_polls_at_least_the_dense_delay_apart():
    window = LikelyWindow.from_bounds(known_exactly([60 + i / 100 for i in range(60)]))

    assert window.gap == 1


def test_after_the_learned_window_the_gap_grows_back_to_the_maximum():
    times = poll_times(LikelyWindow.from_bounds(HOSTED_API), until=150)
    after = [t for t in times if t > 69]
    gaps = [later - earlier for earlier, later in pairwise(after)]

    assert gaps == sorted(gaps)
    assert gaps[-1] == 15


def test_a_job_polled_thousands_of_times_still_gets_a_delay():
    assert poll_delay(poll_number=5000, elapsed=300, seconds_left=300, window=None) == 15


def test_the_last_poll_lands_just_past_the_deadline():
    assert poll_times(None, until=DEADLINE, deadline=100)[-2:] == [91, 100.5]


def test_a_history_polled_sparsely_widens_the_window_to_wherever_those_jobs_may_have_finished():
    # The fixed backoff polled at 46 and 61 s: each of these jobs finished somewhere in between.
    window = LikelyWindow.from_bounds([(46, 61)] * 20)

    assert (window.start, window.end) == (46, 61)


def record_generation(*, accepted, seen_working_after, seen_completed_after, model="minimax-music"):
    job = JobFactory(
        status=S.COMPLETED,
        model=model,
        seen_working_at=accepted + timedelta(seconds=seen_working_after) if seen_working_after else None,
    )
    JobEvent.objects.create(job=job, attempt=1, at=accepted, from_status=S.SUBMITTING, to_status=S.GENERATING)
    JobEvent.objects.create(
        job=job,
        attempt=1,
        at=accepted + timedelta(seconds=seen_completed_after),
        from_status=S.GENERATING,
        to_status=S.DOWNLOADING,
    )


def test_generation_time_is_bounded_by_the_last_poll_seen_working_and_the_poll_seen_completed(db):
    accepted = timezone.now() - timedelta(minutes=5)
    record_generation(accepted=accepted, seen_working_after=54, seen_completed_after=55)
    record_generation(accepted=accepted, seen_working_after=None, seen_completed_after=2)  # done at the first poll

    assert sorted(recent_generation_bounds(50, "minimax-music")) == [(0, 2), (54, 55)]


def test_generation_times_come_from_the_most_recent_jobs_only(db):
    now = timezone.now()
    for age_minutes, seconds in ((30, 100), (20, 60), (10, 65)):
        accepted = now - timedelta(minutes=age_minutes)
        record_generation(accepted=accepted, seen_working_after=seconds - 1, seen_completed_after=seconds)

    assert sorted(by for _, by in recent_generation_bounds(2, "minimax-music")) == [60, 65]


def test_learning_switched_off_keeps_the_fixed_backoff_whatever_the_history(db, settings):
    settings.MUSICGEN_POLL_LEARN_FROM = 0
    forget_this_runs_cache()

    assert learned_window("minimax-music") is None


def test_each_model_is_learned_from_its_own_jobs(db):
    accepted = timezone.now() - timedelta(minutes=5)
    record_generation(accepted=accepted, seen_working_after=54, seen_completed_after=55)
    record_generation(accepted=accepted, seen_working_after=119, seen_completed_after=120, model="minimax/music-2.6")

    assert recent_generation_bounds(50, "minimax-music") == [(54, 55)]
    assert recent_generation_bounds(50, "minimax/music-2.6") == [(119, 120)]
