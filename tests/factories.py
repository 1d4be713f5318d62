from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from jobs.models import DraftReference, Job
from teams.models import Team
from tests.audio_samples import tone_wav


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery")


def personal_team_of(user):
    """The team made with the account (every account gets one): the first one the person joined."""
    return Team.objects.filter(memberships__user=user).order_by("memberships__id").first()


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    owner = factory.SubFactory(UserFactory)
    team = factory.LazyAttribute(lambda job: personal_team_of(job.owner))
    prompt = "First line of the song\nSecond line"
    reference_track = factory.LazyFunction(lambda: ContentFile(tone_wav(16.0), name="reference.wav"))
    reference_name = "my reference.wav"
    reference_format = "wav"
    reference_duration = 16.0
    reference_size = 705644


class DraftReferenceFactory(factory.django.DjangoModelFactory):
    """A 16-second WAV the new-song page uploaded, fresh: not expired, its analysis pending."""

    class Meta:
        model = DraftReference

    owner = factory.SubFactory(UserFactory)
    reference_track = factory.LazyFunction(lambda: ContentFile(tone_wav(16.0), name="reference.wav"))
    reference_name = "my draft.wav"
    reference_format = "wav"
    reference_duration = 16.0
    reference_size = 705644
    reference_samplerate = 22050
    reference_channels = 1
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=24))
    analysis_deadline_at = factory.LazyFunction(lambda: timezone.now() + timedelta(minutes=10))
