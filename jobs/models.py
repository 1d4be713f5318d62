"""A Job is one request to turn a reference track and lyrics into a song.

The database is the truth about every job; Celery only carries job ids. Transitions between
statuses live in jobs/flow.py, never here: a model method only reads its own row.
"""

import hashlib
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


def _random_object_key(folder, filename):
    """Object key chosen by the server: never the user's file name, only its extension."""
    return f"{folder}/{uuid.uuid4().hex}{PurePosixPath(filename).suffix.lower()}"


def reference_track_key(job, filename):
    return _random_object_key("references", filename)


def song_key(job, filename):
    return _random_object_key("songs", filename)


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

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A deleted person's songs stay in their team's library, made by "a former member".
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="jobs")
    # PROTECT: deleting a team must not drop job rows and leave their files behind in storage.
    team = models.ForeignKey("teams.Team", on_delete=models.PROTECT, related_name="jobs")
    prompt = models.TextField()

    reference_track = models.FileField(upload_to=reference_track_key, max_length=255)
    reference_name = models.CharField(max_length=255, help_text="The file name the person uploaded.")
    reference_format = models.CharField(max_length=8)
    reference_duration = models.FloatField(help_text="Seconds, measured by decoding the upload.")
    reference_size = models.PositiveBigIntegerField()

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

    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="job_owner_created"),
            models.Index(fields=["team", "-created_at"], name="job_team_created"),
            models.Index(fields=["status", "last_activity_at"], name="job_status_activity"),
        ]

    def __str__(self):
        return f"{self.first_line or 'Untitled'} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("jobs:detail", args=[self.id])

    @property
    def first_line(self):
        for line in self.prompt.splitlines():
            line = line.strip().strip("#").strip()
            if line:
                return line
        return ""

    @property
    def maker_name(self):
        """Who made the song, as the pages say it; a deleted person's songs stay, made by "a former member"."""
        return self.owner.username if self.owner_id else "a former member"

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


def hash_share_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


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

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"share link {self.token_hint}… for {self.job_id}"

    @property
    def is_expired(self):
        return self.expires_at is not None and self.expires_at <= timezone.now()


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
