"""A job that finished, for page tests: a stored song, its length and waveform peaks."""

import soundfile
from django.core.files.base import ContentFile
from django.utils import timezone

from jobs.audio import waveform_peaks
from tests.audio_samples import tone_mp3


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
