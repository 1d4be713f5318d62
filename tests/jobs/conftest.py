import base64
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from tests.factories import JobFactory
from tests.fake_upstream import FakeUpstream


@dataclass
class ScheduledStep:
    task: str
    args: list
    countdown: float | None


class StepQueue:
    """The app's steps the flow sent to the broker, read back from a Redis queue no worker consumes."""

    def __init__(self, name, broker_url=None):
        self.name = name
        self.key = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "") + name
        self.redis = redis.Redis.from_url(broker_url or settings.CELERY_BROKER_URL)

    def steps(self):
        messages = [json.loads(raw) for raw in reversed(self.redis.lrange(self.key, 0, -1))]
        return [self._step(message) for message in messages]

    def last(self):
        return self.steps()[-1]

    def clear(self):
        self.redis.delete(self.key)

    @staticmethod
    def _step(message):
        headers = message["headers"]
        args = json.loads(base64.b64decode(message["body"]))[0]
        countdown = None
        if headers.get("eta"):
            countdown = (datetime.fromisoformat(headers["eta"]) - timezone.now()).total_seconds()
        return ScheduledStep(headers["task"].rsplit(".", 1)[-1], args, countdown)


@pytest.fixture
def step_queue(settings):
    queue = StepQueue(f"test-steps-{uuid.uuid4().hex}")
    settings.MUSICGEN_APP_QUEUE = queue.name
    yield queue
    queue.clear()


@pytest.fixture
def upstream(settings, step_queue):
    fake = FakeUpstream()
    settings.MUSICGEN_API_BASE_URL = fake.url
    settings.MUSICGEN_API_KEY = "test-key"
    settings.MUSICGEN_API_READ_TIMEOUT = 1
    yield fake
    fake.close()


@pytest.fixture
def queued_job(db):
    return JobFactory()
