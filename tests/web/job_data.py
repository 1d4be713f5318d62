"""Job rows for page tests: one that finished with a stored song, the versions of one upload, or many for lists."""

import uuid
from datetime import timedelta

import soundfile
from django.core.files.base import ContentFile
from django.utils import timezone

from jobs.audio import waveform_peaks
from jobs.models import Job
from tests.audio_samples import tone_mp3
from tests.factories import JobFactory, personal_team_of


def make_completed(job, *, seconds=3.0, song_path=None):
    """Give a factory job a stored song, as if the flow had finished it (test data, not a transition).

    By default the song is a short tone; pass `song_path` (a real recording) for a waveform worth looking at.
    """
    if song_path is None:
        job.song.save("song.mp3", ContentFile(tone_mp3(seconds)), save=False)
        job.song_peaks = [round(0.2 + 0.6 * (i % 40) / 40, 3) for i in range(800)]
        job.song_duration = seconds
    else:
        job.song.save("song.mp3", ContentFile(song_path.read_bytes()), save=False)
        job.song_peaks = waveform_peaks(str(song_path))
        job.song_duration = round(soundfile.info(str(song_path)).duration, 3)
    job.song_size = job.song.size
    job.status = job.Status.COMPLETED
    job.completed_at = timezone.now()
    job.save()
    return job


# Timing as the local generator reports it for a two-line song (engine/render.py).
LYRICS_TIMING = [
    {
        "text": "Sunlight on the water",
        "start": 0.5,
        "end": 1.5,
        "words": [
            {"text": "Sunlight", "start": 0.5, "end": 0.9},
            {"text": "on", "start": 0.9, "end": 1.0},
            {"text": "the", "start": 1.0, "end": 1.1},
            {"text": "water", "start": 1.1, "end": 1.5},
        ],
    },
    {
        "text": "Shadows on the sand",
        "start": 1.75,
        "end": 2.75,
        "words": [
            {"text": "Shadows", "start": 1.75, "end": 2.1},
            {"text": "on", "start": 2.1, "end": 2.2},
            {"text": "the", "start": 2.2, "end": 2.3},
            {"text": "sand", "start": 2.3, "end": 2.75},
        ],
    },
]


def add_timing_and_stems(job, *, lyrics_timing=LYRICS_TIMING, vocals=None, instrumental=None):
    """Give a completed job what the local generator adds: timed lyrics and stems (short tones unless given)."""
    seconds = job.song_duration or 3.0
    job.lyrics_timing = lyrics_timing
    job.vocals_stem.save("vocals.mp3", ContentFile(vocals or tone_mp3(seconds, frequency=660.0)), save=False)
    job.instrumental_stem.save(
        "instrumental.mp3", ContentFile(instrumental or tone_mp3(seconds, frequency=220.0)), save=False
    )
    job.save()
    return job


def create_many_jobs(owner, count, *, prompt="Song {n}", completed_every=2, **fields):
    """`count` jobs of `owner`, one minute apart, newest first; every `completed_every`-th one finished.

    Rows only (bulk insert): the stored files they name do not exist, which pages that list jobs never read.
    """
    now = timezone.now()
    fields.setdefault("team", personal_team_of(owner))
    completed = dict(status=Job.Status.COMPLETED, song="songs/x.mp3", song_duration=61.0)
    return Job.objects.bulk_create(
        [
            JobFactory.build(
                owner=owner,
                prompt=prompt.format(n=n),
                created_at=now - timedelta(minutes=n),
                reference_track="references/x.wav",
                **fields,
                **(completed if completed_every and n % completed_every == completed_every - 1 else {}),
            )
            for n in range(count)
        ],
        batch_size=1000,
    )


def make_versions(owner, *, statuses=("completed", "completed"), prompt="Walking down the river", **fields):
    """Versions of one upload as rows, one per status, made a minute ago; the completed ones get a stored song."""
    group, created_at = uuid.uuid4(), timezone.now() - timedelta(minutes=1)
    versions = []
    for number, status in enumerate(statuses, start=1):
        job = JobFactory(
            owner=owner,
            prompt=prompt,
            version_group=group,
            version_number=number,
            created_at=created_at,
            status=status,
            **fields,
        )
        versions.append(make_completed(job) if status == "completed" else job)
    return versions
