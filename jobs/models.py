"""A Job is one request to turn a reference track and lyrics into a song.

The database is the truth about every job; Celery only carries job ids. Transitions between
statuses live in jobs/flow.py, never here: a model method only reads its own row.
"""

import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from generation import catalogue


def _random_object_key(folder, filename):
    """Object key chosen by the server: never the user's file name, only its extension."""
    return f"{folder}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


def reference_track_key(job, filename):
    return _random_object_key("references", filename)


def song_key(job, filename):
    return _random_object_key("songs", filename)


def stem_key(job, filename):
    return _random_object_key("stems", filename)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SUBMITTING = "submitting", "Sending to the generator"
        GENERATING = "generating", "Generating"
        DOWNLOADING = "downloading", "Saving the song"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINAL_STATUSES = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)
    MOVING_STATUSES = (Status.QUEUED, Status.SUBMITTING, Status.GENERATING, Status.DOWNLOADING)
    CANCELLABLE_STATUSES = (Status.QUEUED, Status.GENERATING)  # not mid-request to the generator
    RETRYABLE_STATUSES = (Status.FAILED, Status.CANCELLED)
    # The stems a song may come with (generation/catalogue.py names them) and their fields.
    STEM_FIELDS = {stem: f"{stem}_stem" for stem in catalogue.STEMS}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A deleted person's songs stay in their team's library, made by "a former member".
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="jobs")
    # PROTECT: deleting a team must not drop job rows and leave their files behind in storage.
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="jobs")
    # What was asked for, by the names of generation/catalogue.py; the client sends each in the
    # model's own schema (jobs/upstream.py).
    model = models.CharField(max_length=40, default=catalogue.DEFAULT_MODEL)
    prompt = models.TextField(blank=True, help_text="The lyrics (minimax-music sends them as its prompt).")
    style = models.TextField(blank=True, help_text="The style prompt of the models that take one.")
    is_instrumental = models.BooleanField(default=False)
    lyrics_optimizer = models.BooleanField(default=False)
    audio_setting = models.JSONField(null=True, blank=True, help_text="sample_rate, bitrate, format; or the default.")

    # Empty for the models that take no reference.
    reference_track = models.FileField(upload_to=reference_track_key, max_length=255, blank=True)
    reference_name = models.CharField(max_length=255, blank=True, help_text="The file name the person uploaded.")
    reference_format = models.CharField(max_length=8, blank=True)
    reference_duration = models.FloatField(null=True, blank=True, help_text="Seconds, measured by decoding the upload.")
    reference_size = models.PositiveBigIntegerField(null=True, blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    status_changed_at = models.DateTimeField(default=timezone.now)
    upstream_status = models.CharField(max_length=32, blank=True)
    generation_id = models.CharField(max_length=128, blank=True)
    error = models.TextField(blank=True)
    attempt = models.PositiveIntegerField(default=1, help_text="Counts retries by the owner.")
    submit_tries = models.PositiveIntegerField(default=0, help_text="Sends of this attempt to the upstream.")
    polls = models.PositiveIntegerField(default=0)
    download_tries = models.PositiveIntegerField(default=0, help_text="Claims of this attempt's download step.")
    deadline_at = models.DateTimeField(
        null=True, blank=True, help_text="When the current phase (generating, then downloading) gives up."
    )
    last_activity_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="When the step last sent to a worker is due; the reconciler waits for it."
    )
    seen_working_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the generator last said this attempt was still working: with the poll that saw it "
        "completed, it brackets how long the generation took (jobs/polling.py learns from that).",
    )

    song = models.FileField(upload_to=song_key, max_length=255, blank=True)
    song_duration = models.FloatField(null=True, blank=True)
    song_size = models.PositiveBigIntegerField(null=True, blank=True)
    song_peaks = models.JSONField(null=True, blank=True, help_text="Waveform peaks for the player.")
    # From our local service only (the hosted API sends neither): when each line and word is sung,
    # and the vocal and the band on their own.
    lyrics_timing = models.JSONField(
        null=True, blank=True, help_text='Each sung line: {"text", "start", "end", "words"}, in seconds.'
    )
    vocals_stem = models.FileField(upload_to=stem_key, max_length=255, blank=True)
    instrumental_stem = models.FileField(upload_to=stem_key, max_length=255, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    # Versions: jobs made together from one upload ("Make 2 versions") share a group, the stored
    # reference and `created_at`; each is generated on its own. The owner may mark one the pick.
    version_group = models.UUIDField(null=True, blank=True, help_text="Shared by the versions of one upload.")
    version_number = models.PositiveSmallIntegerField(default=1)
    is_pick = models.BooleanField(default=False, help_text="The version its maker chose among its siblings.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_created"),
            models.Index(fields=["team", "-created_at"], name="job_team_created"),
            models.Index(fields=["status", "last_activity_at"], name="job_status_activity"),
            models.Index(fields=["version_group"], name="job_version_group"),
            # The history's order (jobs/selectors.py job_history): a page is read walking it, not by sorting
            # every job in view.
            models.Index(fields=["-created_at", "-is_pick", "version_number", "-id"], name="job_history_order"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["version_group"], condition=models.Q(is_pick=True), name="job_one_pick_per_version_group"
            )
        ]

    def __str__(self):
        return f"{self.first_line or 'Untitled'} ({self.get_status_display()})"

    @property
    def has_stems(self):
        return bool(self.vocals_stem and self.instrumental_stem)

    def stored_files(self):
        """Every file of the job in storage: what deleting it must remove."""
        return [
            stored for stored in (self.reference_track, self.song, self.vocals_stem, self.instrumental_stem) if stored
        ]

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.id])

    @property
    def first_line(self):
        """The first sung line (not a `##` marker, not a section tag); an instrumental's style instead."""
        for line in self.prompt.splitlines():
            line = line.strip().strip("#").strip()
            if line and not (line.startswith("[") and line.endswith("]")):
                return line
        return self.style.strip().split("\n")[0][:80]

    @property
    def music_model(self):
        """This job's model's rules (generation/catalogue.py)."""
        return catalogue.MODELS[self.model]

    @property
    def inputs(self):
        """What the person asked for, by the catalogue's names, as the upstream client sends it."""
        return {
            "style": self.style,
            "lyrics": self.prompt,
            "is_instrumental": self.is_instrumental,
            "lyrics_optimizer": self.lyrics_optimizer,
            "audio_setting": self.audio_setting,
        }

    @property
    def maker_name(self):
        """Who made the song, as the pages say it; a deleted person's songs stay, made by "a former member"."""
        return self.owner.username if self.owner_id else "a former member"

    @property
    def has_versions(self):
        return self.version_group is not None

    @property
    def is_moving(self):
        return self.status in self.MOVING_STATUSES

    @property
    def is_final(self):
        return self.status in self.FINAL_STATUSES

    @property
    def can_cancel(self):
        return self.status in self.CANCELLABLE_STATUSES

    @property
    def can_retry(self):
        return self.status in self.RETRYABLE_STATUSES

    @property
    def elapsed(self):
        """Time from creation to completion, or to now while the job is still moving."""
        end = self.completed_at or (timezone.now() if self.is_moving else self.status_changed_at)
        return end - self.created_at


class JobEvent(models.Model):
    """One transition of a job, kept so a page can say what happened and when, and errors survive retries."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    attempt = models.PositiveIntegerField()
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.from_status or 'new'} -> {self.to_status}"


class ShareLinkQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))


class ShareLink(models.Model):
    """A public, unguessable link to one completed song. Only the token's hash is stored."""

    class Expiry(models.TextChoices):
        ONE_DAY = "1", "1 day"
        SEVEN_DAYS = "7", "7 days"
        THIRTY_DAYS = "30", "30 days"
        NEVER = "never", "Never"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(max_length=8, help_text="The token's first characters, to tell links apart.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    offers_stems = models.BooleanField(
        default=True, help_text="Whether whoever has the link may download the vocals and instrumental and sing along."
    )

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"share link {self.token_hint}… for {self.job_id}"


class DraftReference(models.Model):
    """A reference uploaded on the new-song page before its song is submitted: stored once, used by the job.

    The job made from it takes over the stored file as it is (no copy) and the draft row is deleted in
    the same transaction, so the sweeper (jobs/drafts.py) only ever deletes files no job uses. While the
    person writes the lyrics, the generator is asked what it hears in the file (`analysis_*`).
    """

    class AnalysisStatus(models.TextChoices):
        PENDING = "pending", "Being analysed"
        DONE = "done", "Analysed"
        UNAVAILABLE = "unavailable", "The generator offers no analysis"
        FAILED = "failed", "The analysis failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # random: unguessable
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="draft_references")

    reference_track = models.FileField(upload_to=reference_track_key, max_length=255)
    reference_name = models.CharField(max_length=255, help_text="The file name the person uploaded.")
    reference_format = models.CharField(max_length=8)
    reference_duration = models.FloatField(help_text="Seconds, measured by decoding the upload.")
    reference_size = models.PositiveBigIntegerField()
    reference_samplerate = models.PositiveIntegerField()
    reference_channels = models.PositiveSmallIntegerField()

    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    analysis_status = models.CharField(max_length=16, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING)
    analysis_id = models.CharField(max_length=128, blank=True, help_text="The generator's id for the analysis.")
    analysis = models.JSONField(null=True, blank=True, help_text="What the generator heard: tempo, key, ...")
    analysis_polls = models.PositiveIntegerField(default=0, help_text="Analysis steps run so far.")
    analysis_deadline_at = models.DateTimeField(help_text="A pending analysis past this counts as failed.")

    class Meta:
        indexes = [models.Index(fields=["expires_at"], name="draft_reference_expires")]

    def __str__(self):
        return f"draft reference {self.reference_name} of {self.owner_id}"

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def analysis_is_over(self):
        """Whether the page should stop asking: an answer came, or none will come any more."""
        return self.analysis_status != self.AnalysisStatus.PENDING or self.analysis_deadline_at <= timezone.now()
