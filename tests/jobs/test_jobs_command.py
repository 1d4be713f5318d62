"""`manage.py jobs stuck` and `jobs redrive`: what an operator sees and what the flow is sent."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jobs.models import Job
from tests.factories import JobFactory

S = Job.Status


def job_in(status, *, idle_minutes, **fields):
    job = JobFactory()
    Job.objects.filter(id=job.id).update(
        status=status, last_activity_at=timezone.now() - timedelta(minutes=idle_minutes), **fields
    )
    job.refresh_from_db()
    return job


def run_jobs_command(*args):
    out = StringIO()
    call_command("jobs", *args, stdout=out)
    return out.getvalue()


def test_stuck_lists_moving_jobs_idle_longer_than_the_threshold_with_status_and_error(db):
    stuck = job_in(S.GENERATING, idle_minutes=30, error="The generator is slow today.")
    recent = job_in(S.GENERATING, idle_minutes=2)
    finished = job_in(S.COMPLETED, idle_minutes=300)

    output = run_jobs_command("stuck", "--older-than", "10")

    assert str(stuck.id) in output and "generating" in output and "The generator is slow today." in output
    assert "30m 00s ago" in output
    assert str(recent.id) not in output and str(finished.id) not in output
    assert "1 jobs without a step for more than 10 minutes." in output


def test_stuck_says_so_when_nothing_is_stuck(db):
    job_in(S.QUEUED, idle_minutes=1)

    assert (
        run_jobs_command("stuck", "--older-than", "10") == "No job has gone without a step for more than 10 minutes.\n"
    )


def test_redrive_without_ids_runs_the_reconciler_now(db, step_queue):
    stalled = job_in(S.GENERATING, idle_minutes=30, polls=4, generation_id="gen-1")
    job_in(S.GENERATING, idle_minutes=0, generation_id="gen-2")

    output = run_jobs_command("redrive")

    assert [(s.task, s.args) for s in step_queue.steps()] == [("poll", [str(stalled.id), 4])]
    assert f"{stalled.id}: polling the generator again." in output and "Re-drove 1 stalled jobs." in output


def test_redrive_given_ids_sends_each_job_its_step_even_when_recently_active(db, step_queue):
    queued = job_in(S.QUEUED, idle_minutes=0)
    downloading = job_in(S.DOWNLOADING, idle_minutes=0)

    run_jobs_command("redrive", str(queued.id), str(downloading.id))

    assert [(s.task, s.args) for s in step_queue.steps()] == [
        ("submit", [str(queued.id)]),
        ("download", [str(downloading.id), 0]),  # a download step carries the claim it may take
    ]


def test_redrive_fails_a_job_caught_mid_send_instead_of_sending_it_twice(db, step_queue):
    job = job_in(S.SUBMITTING, idle_minutes=0)

    output = run_jobs_command("redrive", str(job.id))

    job.refresh_from_db()
    assert job.status == S.FAILED and step_queue.steps() == []
    assert "not sent twice" in output


def test_redrive_leaves_a_finished_job_alone_and_says_how_to_retry_it(db, step_queue):
    job = job_in(S.FAILED, idle_minutes=60)

    output = run_jobs_command("redrive", str(job.id))

    assert Job.objects.get(id=job.id).status == S.FAILED and step_queue.steps() == []
    assert "failed, so there is nothing to re-drive. Retry it" in output


def test_redrive_rejects_something_that_is_not_a_job_id_with_a_sentence(db):
    with pytest.raises(CommandError, match="is not a job id"):
        run_jobs_command("redrive", "not-a-uuid")
