"""The owner's transitions and the reconciler that rescues jobs that stopped moving."""

from datetime import timedelta

from django.utils import timezone

from jobs import flow
from jobs.models import Job, JobEvent
from tests.factories import JobFactory

S = Job.Status


def set_state(job, status, **fields):
    Job.objects.filter(id=job.id).update(status=status, **fields)
    job.refresh_from_db()
    return job


def make_stale(job):
    """As if ten minutes passed since the job last moved and since its next step was due."""
    ten_minutes_ago = timezone.now() - timedelta(minutes=10)
    Job.objects.filter(id=job.id).update(last_activity_at=ten_minutes_ago, next_attempt_at=ten_minutes_ago)


def test_move_happens_only_from_an_expected_status(db):
    job = JobFactory()

    assert flow.move(job.id, from_statuses=(S.QUEUED,), to=S.SUBMITTING)
    assert not flow.move(job.id, from_statuses=(S.QUEUED,), to=S.SUBMITTING)


def test_every_transition_is_recorded_with_its_note(db):
    job = JobFactory()

    flow.move(job.id, from_statuses=(S.QUEUED,), to=S.SUBMITTING, note="claimed")

    event = JobEvent.objects.get(job=job)
    assert (event.from_status, event.to_status, event.note) == (S.QUEUED, S.SUBMITTING, "claimed")


def test_owner_can_cancel_a_queued_job(db):
    job = JobFactory()

    assert flow.job_cancel(job, by=job.owner)
    assert Job.objects.get(id=job.id).status == S.CANCELLED


def test_a_completed_job_cannot_be_cancelled(db):
    job = set_state(JobFactory(), S.COMPLETED)

    assert not flow.job_cancel(job, by=job.owner)
    assert Job.objects.get(id=job.id).status == S.COMPLETED


def test_retry_queues_a_new_attempt_and_keeps_the_old_error_in_the_events(
    db, step_queue, django_capture_on_commit_callbacks
):
    job = JobFactory()
    flow.fail(job.id, "The generator could not make this song: boom", from_statuses=(S.QUEUED,))

    with django_capture_on_commit_callbacks(execute=True):
        assert flow.job_retry(job, by=job.owner)

    job.refresh_from_db()
    assert (job.status, job.attempt, job.error, job.generation_id) == (S.QUEUED, 2, "", "")
    assert job.events.filter(to_status=S.FAILED, note__contains="boom", attempt=1).exists()
    assert step_queue.last().task == "submit"


def test_a_job_that_is_moving_cannot_be_retried(db):
    job = set_state(JobFactory(), S.GENERATING)

    assert not flow.job_retry(job, by=job.owner)


def test_reconciler_sends_a_stale_queued_job_to_submit_again(db, step_queue):
    job = JobFactory()
    make_stale(job)

    flow.reconcile()

    assert [(s.task, s.args) for s in step_queue.steps()] == [("submit", [str(job.id)])]


def test_reconciler_fails_a_job_whose_worker_died_while_submitting(db, step_queue):
    job = set_state(JobFactory(), S.SUBMITTING)
    make_stale(job)

    flow.reconcile()

    job.refresh_from_db()
    assert job.status == S.FAILED
    assert "may or may not have been received" in job.error


def test_reconciler_resumes_polling_a_stale_generating_job_where_it_stopped(db, step_queue):
    job = set_state(JobFactory(), S.GENERATING, polls=3, generation_id="gen-1")
    make_stale(job)

    flow.reconcile()

    assert [(s.task, s.args) for s in step_queue.steps()] == [("poll", [str(job.id), 3])]


def test_reconciler_resumes_a_stale_download_at_its_claim_count(db, step_queue):
    job = set_state(JobFactory(), S.DOWNLOADING, download_tries=2)
    make_stale(job)

    flow.reconcile()

    assert [(s.task, s.args) for s in step_queue.steps()] == [("download", [str(job.id), 2])]


def test_reconciler_leaves_a_stale_job_alone_until_its_next_step_is_overdue(db, step_queue):
    job = JobFactory()
    make_stale(job)
    Job.objects.filter(id=job.id).update(next_attempt_at=timezone.now() + timedelta(minutes=5))

    flow.reconcile()

    assert step_queue.steps() == []


def test_reconciler_leaves_recently_active_jobs_alone(db, step_queue):
    set_state(JobFactory(), S.GENERATING)

    flow.reconcile()

    assert step_queue.steps() == []
