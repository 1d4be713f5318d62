import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from jobs.models import Job
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
