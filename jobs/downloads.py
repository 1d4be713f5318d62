"""A job's files as HTTP responses: the song, its stems and its timed lyrics, under names people recognise.

The pages, the share links and the API answer with these, once each caller has checked who may see
the job (jobs/selectors.py) or which link opens it.
"""

import re
from pathlib import PurePosixPath

from django.http import Http404, HttpRequest, HttpResponse

from jobs.lyrics import lrc_text
from jobs.models import Job
from plumbing.file_responses import content_disposition, stored_file_response

UNSAFE_FILE_NAME_CHARACTERS = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def song_response(request: HttpRequest, job: Job, *, as_attachment: bool = False) -> HttpResponse:
    """The finished song, streamed with Range support (to play) or as an attachment (to keep)."""
    if not job.song:
        raise Http404("This song is not ready yet.")
    download_name = song_download_name(job)
    return stored_file_response(request, job.song.name, download_name=download_name, as_attachment=as_attachment)


def song_download_name(job: Job) -> str:
    return f"{file_title(job)}{PurePosixPath(job.song.name).suffix}"


def file_title(job: Job) -> str:
    """A file name people recognise: the first lyric line, with characters file systems refuse removed."""
    return " ".join(UNSAFE_FILE_NAME_CHARACTERS.sub(" ", job.first_line).split())[:80].strip(" .") or "song"


def stem_response(request: HttpRequest, job: Job, stem: str) -> HttpResponse:
    """The vocals or the instrumental alone, to play (Range) or, with ?download, to keep."""
    field = Job.STEM_FIELDS.get(stem)
    stored = getattr(job, field) if field else None
    if not stored:
        raise Http404("This song has no separate vocals and instrumental: only songs made by the local generator do.")
    download_name = f"{file_title(job)} ({stem}){PurePosixPath(stored.name).suffix}"
    return stored_file_response(
        request, stored.name, download_name=download_name, as_attachment="download" in request.GET
    )


def lrc_response(job: Job) -> HttpResponse:
    """The timed lyrics as an .lrc file, for karaoke players and music players that show lyrics."""
    if not job.lyrics_timing:
        raise Http404("This song has no timed lyrics: only songs made by the local generator have them.")
    response = HttpResponse(lrc_text(job.first_line, job.lyrics_timing), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = content_disposition(f"{file_title(job)}.lrc", as_attachment=True)
    return response
