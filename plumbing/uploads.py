"""What this server accepts in a request body: how large it may be, and what an uploaded file may be called.

Both apps receive uploads (the new-song form, the local service's analysis), so the rules live
here rather than in either of them. A body is refused from its declared Content-Length before
any of it is read; a body that goes on past the cap anyway is cut off while it is read.
"""

import unicodedata

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

UPLOAD_NAME_MAX_CHARS = 100
UPLOAD_NAME_EXTENSION_MAX_CHARS = 10
# Marks that reorder how text is displayed: "song\u202egpj.mp3" would show as "song3pm.jpg".
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Paths whose callers are programs: they get {"error": ...} rather than a page.
JSON_PATH_PREFIXES = ("/v2/", "/api/")


class UploadTooLarge(Exception):
    """A body that went on past the cap while it was being read."""


def largest_reference_bytes() -> int:
    """The largest reference any endpoint accepts: the pages' or the local service's, whichever is larger."""
    return max(settings.MUSICGEN_REFERENCE_MAX_MB, settings.LOCALGEN_REFERENCE_MAX_MB) * 1_000_000


def largest_request_body() -> int:
    """The largest body any request may declare: the largest reference plus room for the form's other fields."""
    return largest_reference_bytes() + settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def upload_too_large_sentence() -> str:
    megabytes = largest_reference_bytes() // 1_000_000
    return (
        f"This upload is larger than the {megabytes} MB this server accepts for a reference. "
        "Choose a shorter or smaller file, or export it as MP3, which is much smaller than WAV."
    )


def upload_too_large_response(request: HttpRequest) -> HttpResponse:
    """413 with the sentence: JSON for programs, a fragment for htmx (the form shows it), a page otherwise."""
    sentence = upload_too_large_sentence()
    if request.path.startswith(JSON_PATH_PREFIXES):
        return JsonResponse({"error": sentence}, status=413)
    template = "_upload_too_large.html" if request.headers.get("HX-Request") == "true" else "413.html"
    return HttpResponse(render_to_string(template, {"sentence": sentence}, request), status=413)


class RequestBodyLimitMiddleware:
    """Answer 413 before reading a body that declares, or turns out, to be larger than any upload we accept.

    Every middleware's __call__ runs before any process_view (CSRF reads the form there) and before
    the view, so nothing has read the body yet. A multipart form is then read here, under
    UploadSizeCapHandler, so a body cut off at the cap becomes this answer instead of reaching the
    view as a form that lost its file (which could then act on the rest of it). A view therefore
    cannot swap request.upload_handlers: none of ours does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _declared_length(request) > largest_request_body():
            return upload_too_large_response(request)
        if request.method == "POST" and request.content_type == "multipart/form-data":
            try:
                request.POST  # noqa: B018 -- parsing now, under the cap, is the point
            except UploadTooLarge:
                return upload_too_large_response(request)
            except MultiPartParserError:
                return _unreadable_form_response(request)
        return self.get_response(request)


def _unreadable_form_response(request: HttpRequest) -> HttpResponse:
    sentence = "The form data could not be read (it was cut off or malformed); send the form again."
    if request.path.startswith(JSON_PATH_PREFIXES):
        return JsonResponse({"error": sentence}, status=400)
    return HttpResponse(sentence, content_type="text/plain; charset=utf-8", status=400)


class UploadSizeCapHandler(FileUploadHandler):
    """Stops reading uploaded files once they pass the largest reference, whatever the body declared.

    First in FILE_UPLOAD_HANDLERS, so a chunk past the cap never reaches memory or a temporary file.
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.bytes_received = 0

    def receive_data_chunk(self, raw_data, start):
        self.bytes_received += len(raw_data)
        if self.bytes_received > largest_reference_bytes():
            raise UploadTooLarge()
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_display_name(name: str) -> str:
    """The name a person gave an upload, safe to store and show: no folders, no control or
    direction-changing characters, at most UPLOAD_NAME_MAX_CHARS characters with its extension kept."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join("".join(character for character in name if _is_kept_in_names(character)).split())
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    suffix = f".{extension[:UPLOAD_NAME_EXTENSION_MAX_CHARS]}" if extension.strip() else ""
    return (stem[: UPLOAD_NAME_MAX_CHARS - len(suffix)].strip(" .") or "reference") + suffix


def _is_kept_in_names(character: str) -> bool:
    return character not in BIDI_CONTROLS and unicodedata.category(character) not in ("Cc", "Cs")


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # Django itself reads such a body as empty
        return 0
