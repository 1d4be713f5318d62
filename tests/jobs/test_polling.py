"""The poll schedule of a generating job (jobs/polling.py), with the default settings: first poll after 2 s,
at most 15 s apart, at least 1 s apart where recent jobs finished."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.utils import timezone

from jobs.models import Job, JobEvent
from jobs.polling import LikelyWindow, learned_window, poll_delay, recent_generation_seconds
from tests.conftest import forget_this_runs_cache
from tests.factories import JobFactory

S = Job.Status
DEADLINE = 600
HOSTED_API_TIMES = [50 + 20 * i / 59 for i in range(60)]  # the hosted API's stated 50-70 s, evenly


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
    assert LikelyWindow.from_durations(HOSTED_API_TIMES[:9]) is None


def test_history_of_50_to_70_seconds_makes_the_likely_window_the_5th_to_95th_percentile():
    window = LikelyWindow.from_durations(HOSTED_API_TIMES)

    assert (window.start, window.end) == (pytest.approx(51, abs=0.1), pytest.approx(69, abs=0.1))
    assert window.gap == pytest.approx(1.5, abs=0.01)


@pytest.mark.parametrize("completed_after", [50.0, 55.3, 60.0, 64.9, 69.0, 70.0])
def test_a_job_finishing_in_the_learned_window_is_noticed_within_2_seconds_in_at_most_20_requests(completed_after):
    times = poll_times(LikelyWindow.from_durations(HOSTED_API_TIMES), until=completed_after)

    assert times[-1] - completed_after <= 2
    assert len(times) <= 20


def test_before_the_learned_window_polls_stay_sparse_and_land_on_its_start():
    times = poll_times(LikelyWindow.from_durations(HOSTED_API_TIMES), until=51)

    assert times == pytest.approx([2, 4, 8, 16, 31, 46, 51], abs=0.1)


def test_inside_the_learned_window_polls_come_every_twelfth_of_it():
    times = poll_times(LikelyWindow.from_durations(HOSTED_API_TIMES), until=69)
    inside = [t for t in times if 51 <= t <= 69]

    gaps = {round(later - earlier, 2) for earlier, later in pairwise(inside)}
    assert gaps == {1.5}


def test_a_wide_window_spreads_polls_no_further_apart_than_the_maximum():
    window = LikelyWindow.from_durations([180 + 300 * i / 59 for i in range(60)])  # 3-8 minutes

    assert window.gap == 15


def test_a_narrow_window_keeps_polls_at_least_the_dense_delay_apart():
    window = LikelyWindow.from_durations([60 + i / 100 for i in range(60)])

    assert window.gap == 1


def test_after_the_learned_window_the_gap_grows_back_to_the_maximum():
    times = poll_times(LikelyWindow.from_durations(HOSTED_API_TIMES), until=150)
    after = [t for t in times if t > 69]
    gaps = [later - earlier for earlier, later in pairwise(after)]

    assert gaps == sorted(gaps)
    assert gaps[-1] == 15


def test_the_last_poll_lands_just_past_the_deadline():
    assert poll_times(None, until=DEADLINE, deadline=100)[-2:] == [91, 100.5]


def test_generation_times_are_measured_from_accepted_to_seen_completed(db):
    accepted = timezone.now() - timedelta(minutes=5)
    for seconds in (55, 61):
        job = JobFactory(status=S.COMPLETED)
        JobEvent.objects.create(job=job, attempt=1, at=accepted, from_status=S.SUBMITTING, to_status=S.GENERATING)
        JobEvent.objects.create(
            job=job,
            attempt=1,
            at=accepted + timedelta(seconds=seconds),
            from_status=S.GENERATING,
            to_status=S.DOWNLOADING,
        )

    assert sorted(recent_generation_seconds(50)) == [55, 61]


def test_generation_times_come_from_the_most_recent_jobs_only(db):
    now = timezone.now()
    for age_minutes, seconds in ((30, 100), (20, 60), (10, 65)):
        job = JobFactory(status=S.COMPLETED)
        accepted = now - timedelta(minutes=age_minutes)
        JobEvent.objects.create(job=job, attempt=1, at=accepted, from_status=S.SUBMITTING, to_status=S.GENERATING)
        JobEvent.objects.create(
            job=job,
            attempt=1,
            at=accepted + timedelta(seconds=seconds),
            from_status=S.GENERATING,
            to_status=S.DOWNLOADING,
        )

    assert sorted(recent_generation_seconds(2)) == [60, 65]


def test_learning_switched_off_keeps_the_fixed_backoff_whatever_the_history(db, settings):
    settings.MUSICGEN_POLL_LEARN_FROM = 0
    forget_this_runs_cache()

    assert learned_window() is None
