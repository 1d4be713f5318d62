"""Fixtures for page tests: logged-in clients per role, and a job that finished with a stored song."""

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from tests.audio_samples import tone_mp3
from tests.factories import JobFactory

OTHER_PEOPLE = ["teammate", "outsider"]


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Share views count requests per client address in the cache; each test starts at zero."""
    cache.clear()


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def owner_client(owner):
    return logged_in(owner)


@pytest.fixture(params=OTHER_PEOPLE)
def other_person_client(request):
    """A client logged in as someone who is not the owner: every owner-only view answers 404."""
    return logged_in(request.getfixturevalue(request.param))


def make_completed(job, *, seconds=3.0):
    """Give a factory job a stored song, as if the flow had finished it (test data, not a transition)."""
    job.song.save("song.mp3", ContentFile(tone_mp3(seconds)), save=False)
    job.song_size = job.song.size
    job.song_duration = seconds
    job.song_peaks = [round(0.2 + 0.6 * (i % 40) / 40, 3) for i in range(800)]
    job.status = job.Status.COMPLETED
    job.completed_at = timezone.now()
    job.save()
    return job


@pytest.fixture
def queued_job(owner):
    return JobFactory(owner=owner)


@pytest.fixture
def completed_job(owner):
    return make_completed(JobFactory(owner=owner, prompt="## \nSunlight on the water\n\nWe sing along\n##"))
