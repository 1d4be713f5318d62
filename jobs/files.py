"""Serving stored audio: expiring URLs for the generator, and responses that honour HTTP Range.

Files are never served straight from MEDIA_ROOT: every response goes through a view that checked
access (an owner, a share link, or a signature made for the generator).
"""

import mimetypes
import re
import time
from datetime import timedelta
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.urls import reverse

GENERATOR_URL_SALT = "jobs.reference-for-generator"
RANGE_PATTERN = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK_SIZE = 64 * 1024


def storage_signs_urls():
    """S3-style storages hand out presigned URLs of their own; the filesystem needs us to serve."""
    return getattr(default_storage, "querystring_auth", False)


def reference_url_for_generator(job, *, valid_for):
    """A URL the generator can fetch the job's reference from, without a login, for `valid_for`."""
    return stored_reference_url_for_generator(job.reference_track.name, valid_for=valid_for)


def stored_reference_url_for_generator(name: str, *, valid_for: timedelta) -> str:
    """A URL the generator can fetch the stored file `name` from, without a login, for `valid_for`."""
    if storage_signs_urls():
        return default_storage.url(name, expire=int(valid_for.total_seconds()))
    expires = int(time.time() + valid_for.total_seconds())
    token = signing.dumps({"name": name, "expires": expires}, salt=GENERATOR_URL_SALT)
    return settings.PUBLIC_BASE_URL + reverse("jobs:reference_for_generator", args=[token])


def reference_name_from_generator_token(token):
    """The storage name a generator token grants, or None when it is forged or expired."""
    try:
        grant = signing.loads(token, salt=GENERATOR_URL_SALT)
    except signing.BadSignature:
        return None
    return grant["name"] if time.time() < grant["expires"] else None


def stored_file_response(request, name, *, download_name=None, as_attachment=False):
    """Serve a stored file with Range support; on S3, redirect to a short-lived presigned URL."""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    disposition = _content_disposition(download_name or name.rsplit("/", 1)[-1], as_attachment)
    if storage_signs_urls():
        return HttpResponseRedirect(
            default_storage.url(
                name,
                expire=600,
                parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
            )
        )
    size = default_storage.size(name)
    byte_range = _requested_range(request.headers.get("Range", ""), size)
    if byte_range == "unsatisfiable":
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    stored = default_storage.open(name, "rb")
    if byte_range is None:
        response = FileResponse(stored, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        start, end = byte_range
        stored.seek(start)
        response = FileResponse(_read_span(stored, end - start + 1), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = disposition
    return response


def _requested_range(header, size):
    """(start, end) inclusive for one satisfiable range, None for the whole file, or "unsatisfiable"."""
    match = RANGE_PATTERN.match(header.strip())
    if not match or size == 0:
        return None  # absent, malformed or multi-range: the whole file is a valid answer
    first, last = match.groups()
    if first == "" and last == "":
        return None
    if first == "":
        length = int(last)
        return (max(0, size - length), size - 1) if length else "unsatisfiable"
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or end < start:
        return "unsatisfiable"
    return start, end


def _read_span(stored, length):
    with stored:
        while length > 0:
            chunk = stored.read(min(CHUNK_SIZE, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def _content_disposition(filename, as_attachment):
    kind = "attachment" if as_attachment else "inline"
    ascii_name = filename.encode("ascii", "ignore").decode() or "song"
    ascii_name = ascii_name.replace("\\", "_").replace('"', "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
