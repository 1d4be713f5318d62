"""The local generation service's records: API keys and the generations made with them.

A Generation moves queued -> generating -> completed | error (see localgen/flow.py, which holds
every transition). The database, not Celery, is the truth about each generation.
"""

import uuid
from pathlib import PurePosixPath

from django.db import models
from django.utils import timezone

from generation import catalogue


class GenerationKey(models.Model):
    """An API key for /v2/generate/audio. Only a lookup prefix and the SHA-256 of the key are kept."""

    name = models.CharField(max_length=100, help_text="Who or what uses this key.")
    prefix = models.CharField(max_length=12, db_index=True, help_text="The key's first characters, to find it.")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


def audio_file_key(generation, filename):
    """Object key chosen by the server: one per generation, never a name from the request; the
    extension says the format (mp3, or wav when the audio_setting asked for it)."""
    return f"generations/{generation.id}{PurePosixPath(filename).suffix.lower()}"


def stem_file_key(generation, filename):
    """One object per generation and stem: `filename` is the server's own "vocals.mp3" or "instrumental.mp3"."""
    return f"generations/{generation.id}-{filename}"


class Generation(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        GENERATING = "generating", "Generating"
        COMPLETED = "completed", "Completed"
        ERROR = "error", "Error"

    # The stems a sung song comes with (generation/catalogue.py names them) and their fields.
    STEM_FIELDS = {stem: f"{stem}_file" for stem in catalogue.STEMS}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # random: unguessable
    key = models.ForeignKey(GenerationKey, on_delete=models.CASCADE, related_name="generations")
    # The request as its model's schema sent it (generation/catalogue.py): `prompt` holds the lyrics
    # of minimax-music and the style of the newer models, which send their lyrics as `lyrics`.
    model = models.CharField(max_length=40, default=catalogue.DEFAULT_MODEL)
    prompt = models.TextField(blank=True)
    lyrics = models.TextField(blank=True)
    is_instrumental = models.BooleanField(default=False)
    lyrics_optimizer = models.BooleanField(default=False)
    audio_setting = models.JSONField(null=True, blank=True, help_text="sample_rate, bitrate, format; or the default.")
    reference_audio_url = models.URLField(max_length=2000, blank=True)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    audio_file = models.FileField(upload_to=audio_file_key, max_length=255, blank=True)
    # Our additions to the hosted contract: the sung vocal and the band on their own, and when each
    # line and word is sung (engine/render.py `lyrics_timing`).
    vocals_file = models.FileField(upload_to=stem_file_key, max_length=255, blank=True)
    instrumental_file = models.FileField(upload_to=stem_file_key, max_length=255, blank=True)
    lyrics_timing = models.JSONField(null=True, blank=True, help_text="Each sung line and word's start and end.")

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        default=timezone.now, help_text="Last sign of life: sent to the engine, or a render's heartbeat."
    )
    render_tries = models.PositiveIntegerField(default=0, help_text="Renders started; a lost one is sent again.")
    finished_at = models.DateTimeField(null=True, blank=True)

    song_duration = models.FloatField(null=True, blank=True, help_text="Seconds, as the engine reported.")
    timings = models.JSONField(null=True, blank=True, help_text="The engine's time per stage, in seconds.")
    analysis = models.JSONField(null=True, blank=True, help_text="What the engine measured in the reference.")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="generation_status_heartbeat")]

    def __str__(self):
        return f"generation {self.id} ({self.status})"

    @property
    def engine_lyrics(self):
        return self.prompt if catalogue.MODELS[self.model].lyrics_field == "prompt" else self.lyrics

    @property
    def engine_options(self):
        """engine.render's keywords for this request."""
        model = catalogue.MODELS[self.model]
        return {
            "style": self.prompt if model.style is not None else "",
            "grammar": model.grammar,
            "instrumental": self.is_instrumental,
            "cover": model.name == "minimax/music-cover",
            "audio_setting": self.audio_setting,
        }

    @property
    def audio_format(self):
        return (self.audio_setting or catalogue.AUDIO_SETTING_DEFAULTS)["format"]

    @property
    def seed(self):
        """The engine's seed: fixed per generation, so a re-run of the same generation sounds the same."""
        return self.id.int % 2**32


class Analysis(models.Model):
    """What the engine hears in a reference (tempo, key, voice), asked for before a generation.

    Our addition to the hosted contract. It moves queued -> analyzing -> completed | error on the
    engine queue (localgen/analysis.py holds every transition) and is deleted a day later.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        ANALYZING = "analyzing", "Analyzing"
        COMPLETED = "completed", "Completed"
        ERROR = "error", "Error"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)  # random: unguessable
    key = models.ForeignKey(GenerationKey, on_delete=models.CASCADE, related_name="analyses")
    reference_audio_url = models.URLField(max_length=2000)

    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    analysis = models.JSONField(null=True, blank=True, help_text="Tempo, key, chords, loudness, voice.")

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "analyses"

    def __str__(self):
        return f"analysis {self.id} ({self.status})"
