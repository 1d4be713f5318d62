"""The hosted API's contract (api.aimlapi.com), for every model of generation/catalogue.py.

Each model's body is judged by the catalogue, so a bad field gets the same sentence here as on the
new-song page, as a 422 naming the schema's field.

POST /v2/generate/audio starts a generation; GET /v2/generate/audio?generation_id=ID tells how it
is going and, once completed, where the song is. Both need `Authorization: Bearer <key>`, and a key
sees only its own generations. Errors are JSON objects with an "error" sentence.
"""

import functools
import json
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from generation import catalogue
from localgen import flow
from localgen.keys import generation_key_for
from localgen.models import Generation
from localgen.reference import reference_url_problem
from plumbing import signed_urls
from plumbing.file_responses import storage_signs_urls, stored_file_response
from plumbing.ratelimit import PerClientLimit

REFERENCE_URL_MAX_CHARS = 2000
AUDIO_URL_PURPOSE = "localgen.audio-file"
AUDIO_URL_VALID_FOR = timedelta(hours=1)  # every status answer hands out a fresh URL
SERVED_FIELDS = ("audio_file", *Generation.STEM_FIELDS.values())
is_http_url = URLValidator(schemes=["http", "https"])
SEND_AN_OBJECT = "Send a JSON object with the model and its fields (prompt, lyrics, reference_audio_url...)."
# The hosted API may write lyrics from the style (lyrics_optimizer); this service sings only what it is sent.
WRITES_NO_LYRICS = "This local service writes no lyrics itself: send the lyrics, or ask for an instrumental."
REFERENCE_URL_EXPECTED = "Send the reference as the http or https URL of a recording."
REFERENCE_URL_REQUIRED = (
    "is required: the http or https URL of a reference recording "
    f"({catalogue.formats_text(catalogue.REFERENCE_FORMATS)})"
)
KEY_FAILURES = PerClientLimit("localgen-key-failures", limit=settings.LOCALGEN_KEY_FAILURES_PER_MINUTE)


def bearer_key_required(view):
    """Call `view(request, key)` for a valid `Authorization: Bearer` key; count the failures per client.

    Past KEY_FAILURES.limit failures in a window every request from that client is refused, a valid
    key too, so guessing keys cannot go on at the speed of the network.
    """

    @functools.wraps(view)
    def checked_view(request, *args, **kwargs):
        if KEY_FAILURES.is_exceeded(request):
            response = _error(
                429,
                "Too many requests with a missing or wrong API key came from this address. "
                "Wait a minute, then send the right key.",
            )
            response["Retry-After"] = str(KEY_FAILURES.window_seconds)
            return response
        key = _authenticated_key(request)
        if key is None:
            KEY_FAILURES.count(request)
            return _unauthorized()
        return view(request, key, *args, **kwargs)

    return checked_view


@csrf_exempt
@require_http_methods(["GET", "POST"])
@bearer_key_required
def generate_audio(request, key):
    if request.method == "POST":
        return _start_generation(request, key)
    return _generation_status(request, key)


def _start_generation(request, key):
    body, refusal = json_object_body(request, instruction=SEND_AN_OBJECT)
    if refusal:
        return refusal
    has_reference = body.get("reference_audio_url") is not None
    model_name, inputs, field_errors = catalogue.check_hosted_body(body, has_reference=has_reference)
    model = catalogue.model_named(model_name)
    if model and model.reference and has_reference and not is_reference_url(body["reference_audio_url"]):
        field_errors.setdefault("reference_audio_url", REFERENCE_URL_EXPECTED)
    if not field_errors and inputs.get("lyrics_optimizer") and not inputs.get("lyrics"):
        field_errors["lyrics"] = WRITES_NO_LYRICS
    if field_errors:
        return _error(
            422, " ".join(f"{field}: {problem}" for field, problem in field_errors.items()), fields=field_errors
        )
    if model.reference:
        url_refusal = refused_reference_url(body["reference_audio_url"])
        if url_refusal:
            return url_refusal
    generation = flow.generation_create(
        key=key,
        model=model_name,
        prompt=catalogue.normalize_text(body.get("prompt") or ""),
        lyrics=catalogue.normalize_text(inputs.get("lyrics") or "") if model.lyrics_field == "lyrics" else "",
        is_instrumental=bool(inputs.get("is_instrumental")),
        lyrics_optimizer=bool(inputs.get("lyrics_optimizer")),
        audio_setting=catalogue.complete_audio_setting(inputs.get("audio_setting")),
        reference_audio_url=body.get("reference_audio_url") or "",
    )
    return JsonResponse({"id": str(generation.id), "status": generation.status}, status=201)


def json_object_body(request, *, instruction):
    """(the request's JSON object, None), or (None, a 4xx answer saying what is wrong with the body)."""
    try:
        body = json.loads(request.body)
    except RequestDataTooBig:
        limit_kb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1000
        return None, _error(413, f"The request body is larger than {limit_kb} KB. {instruction}")
    except RecursionError:
        return None, _error(400, f"The request body nests too deeply to read. {instruction}")
    except (ValueError, UnicodeDecodeError):  # also a number too long to convert
        return None, _error(400, f"The request body is not JSON. {instruction}")
    if not isinstance(body, dict):
        return None, _error(400, f"The request body is JSON but not an object. {instruction}")
    return body, None


def refused_reference_url(url):
    """A 422 answer for a reference URL that is malformed or points somewhere the service may not fetch."""
    if not is_reference_url(url):
        return _error(
            422,
            f"reference_audio_url {REFERENCE_URL_REQUIRED}.",
            fields={"reference_audio_url": REFERENCE_URL_REQUIRED},
        )
    problem = reference_url_problem(url)
    if problem:
        return _error(422, problem, fields={"reference_audio_url": problem})
    return None


def is_reference_url(url):
    if not isinstance(url, str) or len(url) > REFERENCE_URL_MAX_CHARS:
        return False
    if not url.isprintable():  # control characters (NUL...) and broken characters, which a URL never holds
        return False
    try:
        is_http_url(url)
    except ValidationError:
        return False
    return True


def _generation_status(request, key):
    generation_id = request.GET.get("generation_id", "")
    if not generation_id:
        return _error(422, "generation_id is required.", fields={"generation_id": "is required"})
    generation = owned_by_key(Generation, key, generation_id)
    if generation is None:
        return _error(404, "No generation with this id was made with this API key.")
    answer = {
        "id": str(generation.id),
        "status": generation.status,
        "audio_file": None,
        "error": generation.error or None,
    }
    if generation.status == Generation.Status.COMPLETED:
        answer["audio_file"] = {"url": _file_url(generation, "audio_file")}
        # Beyond the hosted contract, whose clients ignore fields they do not know.
        if generation.lyrics_timing is not None:
            answer["lyrics_timing"] = generation.lyrics_timing
        if generation.vocals_file and generation.instrumental_file:
            answer["stems"] = {
                stem: {"url": _file_url(generation, field)} for stem, field in Generation.STEM_FIELDS.items()
            }
    return JsonResponse(answer)


def owned_by_key(model, key, object_id):
    """The `model` row (a generation, an analysis) with this id made with this key, or None: another
    key's rows are as unknown as ids that do not exist."""
    try:
        uuid.UUID(object_id)
    except ValueError:
        return None
    return model.objects.filter(id=object_id, key=key).first()


def _file_url(generation, field):
    """An absolute URL anyone holding it can download the generation's `field` file (the song, a stem)
    from, for AUDIO_URL_VALID_FOR."""
    if storage_signs_urls():
        return default_storage.url(getattr(generation, field).name, expire=int(AUDIO_URL_VALID_FOR.total_seconds()))
    token = signed_urls.sign([str(generation.id), field], purpose=AUDIO_URL_PURPOSE, valid_for=AUDIO_URL_VALID_FOR)
    return settings.PUBLIC_BASE_URL + reverse("localgen:audio_file", args=[token])


@require_safe
def audio_file(request, token):
    grant = signed_urls.read(token, purpose=AUDIO_URL_PURPOSE)
    if grant is None:
        raise Http404("This song link is not valid or has expired; ask for the generation's status again.")
    generation_id, field = grant
    generation = Generation.objects.filter(id=generation_id, status=Generation.Status.COMPLETED).first()
    if generation is None or field not in SERVED_FIELDS or not getattr(generation, field):
        raise Http404("This song no longer exists.")
    return stored_file_response(request, getattr(generation, field).name)


def _authenticated_key(request):
    scheme, _, plaintext = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return generation_key_for(plaintext.strip())


def _unauthorized():
    response = _error(401, "The API key is missing or not valid. Send it as 'Authorization: Bearer <key>'.")
    response["WWW-Authenticate"] = 'Bearer realm="localgen"'
    return response


def _error(status, message, **details):
    return JsonResponse({"error": message, **details}, status=status)
