"""An upload while the broker (Redis) is down: the job waits in the database, the reconciler sends it.

The broker is a Redis server of the test's own on a free port, stopped and started for real.
"""

import socket
import threading

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from jobs import flow
from jobs.models import Job
from tests.audio_samples import tone_wav
from tests.jobs.conftest import StepQueue
from tests.jobs.test_flow_transitions import make_stale
from tests.redis_server import RedisServer, broker_of_this_process

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit runs as in production

LYRICS = "##\nWaiting for the morning\n##"


@pytest.fixture
def broker(settings):
    """A stopped Redis this process sends its messages to; `broker.start()` brings it up."""
    server = RedisServer()
    with broker_of_this_process(server.url):
        yield server
    server.stop()


@pytest.fixture
def app_steps(broker, settings):
    queue = StepQueue("test-steps-broker-down", broker_url=broker.url)
    settings.MUSICGEN_APP_QUEUE = queue.name
    return queue


def upload(client, owner):
    client.force_login(owner)
    reference = SimpleUploadedFile("reference.wav", tone_wav(16.0), content_type="audio/wav")
    return client.post(reverse("jobs:new"), {"prompt": LYRICS, "reference_track": reference})


def test_an_upload_while_the_broker_is_down_keeps_its_job_queued_and_shows_its_page(client, owner, app_steps):
    response = upload(client, owner)

    job = Job.objects.get(owner=owner)
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.QUEUED
    assert default_storage.exists(job.reference_track.name)
    assert client.get(job.get_absolute_url()).status_code == 200


def test_an_upload_while_the_broker_accepts_connections_but_never_answers_still_gets_its_page(client, owner):
    mute_broker = socket.socket()
    mute_broker.bind(("127.0.0.1", 0))
    mute_broker.listen(16)  # the kernel completes connections; nothing ever answers
    responses = []

    def send_the_upload():
        try:
            responses.append(upload(client, owner))
        finally:
            connection.close()  # this thread's own

    with mute_broker, broker_of_this_process(f"redis://127.0.0.1:{mute_broker.getsockname()[1]}/0"):
        request = threading.Thread(target=send_the_upload, daemon=True)
        request.start()
        request.join(timeout=60)  # a guard against hanging the suite, not a measurement

    assert not request.is_alive(), "the upload still waits for the broker"
    job = Job.objects.get(owner=owner)
    assert responses[0].status_code == 302
    assert job.status == Job.Status.QUEUED


def test_the_reconciler_sends_a_job_whose_message_could_not_be_sent_once_the_broker_is_back(
    client, owner, broker, app_steps
):
    upload(client, owner)
    job = Job.objects.get(owner=owner)
    broker.start()
    assert app_steps.steps() == []

    make_stale(job)
    flow.reconcile()

    assert [(step.task, step.args) for step in app_steps.steps()] == [("submit", [str(job.id)])]
