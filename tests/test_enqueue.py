"""Sending a task (plumbing/enqueue.py): after the commit, never for a rolled-back transaction, and a
broker that refuses the message is logged and reported, not raised. Against the test run's Redis."""

import logging
import uuid

import pytest
from django.db import transaction

from plumbing import enqueue
from tests.file_server import closed_port
from tests.jobs.conftest import StepQueue
from tests.redis_server import broker_of_this_process

pytestmark = pytest.mark.django_db(transaction=True)  # real commits and rollbacks, so on_commit runs as in production


class RolledBack(Exception):
    pass


@pytest.fixture
def app_queue(settings):
    queue = StepQueue(f"test-enqueue-{uuid.uuid4().hex}")
    settings.MUSICGEN_APP_QUEUE = queue.name
    yield queue
    queue.clear()


@pytest.fixture
def broker_unreachable():
    with broker_of_this_process(f"redis://127.0.0.1:{closed_port()}/0"):
        yield


def test_a_task_is_sent_on_the_app_queue_with_its_ids_as_text(app_queue):
    job_id = uuid.uuid4()

    assert enqueue.send(enqueue.POLL, job_id, 3, countdown=30) is True

    (step,) = app_queue.steps()
    assert (step.task, step.args) == ("poll", [str(job_id), 3])
    assert step.countdown == pytest.approx(30, abs=2)


def test_a_task_sent_on_commit_waits_for_the_commit(app_queue):
    with transaction.atomic():
        enqueue.send_on_commit(enqueue.SUBMIT, "job-1")
        assert app_queue.steps() == []

    assert [(step.task, step.args) for step in app_queue.steps()] == [("submit", ["job-1"])]


def test_a_task_sent_on_commit_is_not_sent_when_the_transaction_rolls_back(app_queue):
    with pytest.raises(RolledBack), transaction.atomic():
        enqueue.send_on_commit(enqueue.SUBMIT, "job-1")
        raise RolledBack

    assert app_queue.steps() == []


def test_a_refused_message_is_logged_and_reported_not_raised(app_queue, broker_unreachable, caplog):
    with caplog.at_level(logging.WARNING, logger="plumbing.enqueue"):
        assert enqueue.send(enqueue.SUBMIT, "job-1") is False

    assert "jobs.tasks.submit ['job-1']: the broker did not take the message" in caplog.text


def test_a_message_refused_after_the_commit_is_reported_to_the_sender_and_the_commit_stands(
    app_queue, broker_unreachable
):
    refused = []
    with transaction.atomic():
        enqueue.send_on_commit(enqueue.ANALYZE_DRAFT, "draft-1", 0, if_refused=lambda: refused.append("draft-1"))

    assert refused == ["draft-1"]


def test_a_message_taken_after_the_commit_reports_nothing(app_queue):
    refused = []
    with transaction.atomic():
        enqueue.send_on_commit(enqueue.ANALYZE_DRAFT, "draft-1", 0, if_refused=lambda: refused.append("draft-1"))

    assert refused == []
    assert [(step.task, step.args) for step in app_queue.steps()] == [("analyze_draft", ["draft-1", 0])]
