import pytest
from celery import current_app
from django.conf import settings

from localgen.keys import generation_key_create


@pytest.fixture
def app_key(db):
    """The key the app's settings send (tests/settings.py): (row, plaintext)."""
    return generation_key_create(name="app", plaintext=settings.MUSICGEN_API_KEY)


@pytest.fixture
def other_key(db):
    return generation_key_create(name="someone else")


def bearer(plaintext):
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture
def engine_queue(monkeypatch):
    """The tasks sent to the engine worker, as (name, args), kept instead of sent: the engine queue is
    read by the engine worker of the end-to-end tests, which would take them first."""
    sent = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args, **options: sent.append((name, args)))
    return sent
