"""What the API answers: jobs with their steps and URLs, share links, teams. Reads only: requests are checked
by the pages' forms and acted on by jobs/services.py and jobs/sharing.py."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from generation import catalogue
from jobs.models import Job, JobEvent, ShareLink
from jobs.selectors import versions_of
from teams.models import Membership


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobEvent
        fields = ["at", "attempt", "from_status", "to_status", "note"]


class JobSerializer(serializers.ModelSerializer):
    status_words = serializers.CharField(source="get_status_display", help_text="The status in words.")
    made_by = serializers.CharField(source="maker_name", help_text='A username, or "a former member".')
    team_name = serializers.CharField(source="team.name")
    title = serializers.CharField(source="first_line", help_text="The first sung line.")
    steps = StepSerializer(source="events", many=True, read_only=True)
    page_url = serializers.SerializerMethodField(help_text="The job's page in the app.")
    audio_url = serializers.SerializerMethodField(help_text="The song, to play (HTTP Range); null until completed.")
    download_url = serializers.SerializerMethodField(help_text="The song as an attachment; null until completed.")

    class Meta:
        model = Job
        fields = [
            "id", "status", "status_words", "error", "title", "model", "prompt", "style", "is_instrumental",
            "lyrics_optimizer", "audio_setting", "team", "team_name", "made_by",
            "reference_name", "reference_duration", "song_duration", "attempt",
            "created_at", "status_changed_at", "completed_at", "steps", "page_url", "audio_url", "download_url",
            "version_group", "version_number", "is_pick",
        ]  # fmt: skip
        extra_kwargs = {
            "version_group": {"help_text": "Shared by the versions made from one upload; null for a single song."},
            "is_pick": {"help_text": "Whether its maker picked this version among its siblings."},
        }

    def _absolute(self, url):
        return self.context["request"].build_absolute_uri(url)

    def get_page_url(self, job) -> str:
        return self._absolute(job.get_absolute_url())

    def get_audio_url(self, job) -> str | None:
        return self._absolute(reverse("api:job_song", args=[job.id])) if job.song else None

    def get_download_url(self, job) -> str | None:
        return self._absolute(reverse("api:job_song_download", args=[job.id])) if job.song else None


class VersionSerializer(serializers.ModelSerializer):
    status_words = serializers.CharField(source="get_status_display")
    url = serializers.SerializerMethodField(help_text="The version's own API URL.")

    class Meta:
        model = Job
        fields = ["id", "version_number", "status", "status_words", "is_pick", "url"]

    def get_url(self, job) -> str:
        return self.context["request"].build_absolute_uri(reverse("api:job", args=[job.id]))


class JobDetailSerializer(JobSerializer):
    """One job with every version made with it from the same upload (itself included; [] for a single song)."""

    versions = serializers.SerializerMethodField()

    class Meta(JobSerializer.Meta):
        fields = [*JobSerializer.Meta.fields, "versions"]

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, job):
        return VersionSerializer(versions_of(job), many=True, context=self.context).data


class JobCreateRequestSerializer(serializers.Serializer):
    """Documents the multipart request; the checks themselves are the new-song form's (jobs.forms.JobCreateForm)."""

    model = serializers.ChoiceField(
        choices=list(catalogue.MODELS), required=False, help_text=f"By default {catalogue.DEFAULT_MODEL}."
    )
    reference_track = serializers.FileField(
        required=False, help_text="The reference recording, for the models that take one (minimax-music, music-cover)."
    )
    prompt = serializers.CharField(
        required=False, help_text="The lyrics: one sung line per line; a blank line is a pause; or section tags."
    )
    style = serializers.CharField(required=False, help_text="The style prompt, for the models that take one.")
    is_instrumental = serializers.BooleanField(required=False, help_text="music-2.6: a song with no voice.")
    lyrics_optimizer = serializers.BooleanField(required=False, help_text="music-2.6: the generator writes the lyrics.")
    audio_format = serializers.ChoiceField(choices=list(catalogue.AUDIO_FORMATS), required=False)
    sample_rate = serializers.ChoiceField(choices=list(catalogue.SAMPLE_RATES), required=False)
    bitrate = serializers.ChoiceField(choices=list(catalogue.BITRATES), required=False)
    team = serializers.CharField(required=False, help_text="A team's id or name; by default the last one you used.")
    versions = serializers.IntegerField(
        required=False,
        default=1,
        help_text="How many versions to make from this one upload (1 to MUSICGEN_MAX_VERSIONS, 4 by default); "
        "each is a job of its own and counts towards the hourly limit. The answer is the first version.",
    )


class FieldErrorsSerializer(serializers.Serializer):
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ShareLinkCreateRequestSerializer(serializers.Serializer):
    expiry = serializers.ChoiceField(
        choices=ShareLink.Expiry.choices, required=False, default=ShareLink.Expiry.THIRTY_DAYS
    )


class ShareLinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The public /s/ link; shown only in this answer.")

    class Meta:
        model = ShareLink
        fields = ["id", "url", "token_hint", "created_at", "expires_at"]

    def get_url(self, link) -> str | None:
        token = self.context.get("token")
        return self.context["request"].build_absolute_uri(reverse("jobs:shared_song", args=[token])) if token else None


class TeamSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="team.id")
    name = serializers.CharField(source="team.name")

    class Meta:
        model = Membership
        fields = ["id", "name", "role"]
