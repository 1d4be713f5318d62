"""HTTP responses for stored files: Range requests on the filesystem, presigned redirects on S3.

Both the app (`jobs`) and the local generation service (`localgen`) serve stored audio through
here; it imports neither. Callers check access first: nothing here decides who may read a file.
"""

import mimetypes
import re
from urllib.parse import quote

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect

from plumbing.numbers import whole_number

RANGE_PATTERN = re.compile(r"^bytes=([0-9]*)-([0-9]*)$")
CHUNK_SIZE = 64 * 1024


def storage_signs_urls() -> bool:
    """S3-style storages hand out presigned URLs of their own; the filesystem needs us to serve."""
    return getattr(default_storage, "querystring_auth", False)


def stored_file_response(
    request: HttpRequest, name: str, *, download_name: str | None = None, as_attachment: bool = False
) -> HttpResponse:
    """Serve a stored file with Range support; on S3, redirect to a short-lived presigned URL."""
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    disposition = content_disposition(download_name or name.rsplit("/", 1)[-1], as_attachment)
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
        length = whole_number(last)
        return (max(0, size - length), size - 1) if length else "unsatisfiable"
    start = whole_number(first)  # a number past the file's end, however long, is unsatisfiable
    end = min(whole_number(last), size - 1) if last else size - 1
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


def content_disposition(filename, as_attachment):
    kind = "attachment" if as_attachment else "inline"
    ascii_name = filename.encode("ascii", "ignore").decode() or "song"
    ascii_name = ascii_name.replace("\\", "_").replace('"', "_")
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
