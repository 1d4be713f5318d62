"""The seed's API contract, as the hosted API (minimax-music on api.aimlapi.com) answers it.

POST /v2/generate/audio starts a generation; GET /v2/generate/audio?generation_id=ID tells how it
is going and, once completed, where the song is. Both need `Authorization: Bearer <key>`, and a key
sees only its own generations. Errors are JSON objects with an "error" sentence.
"""

import functools
import json
import tempfile
import uuid

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from jobs.files import stored_file_response
from localgen import flow
from localgen.keys import generation_key_for
from localgen.models import Generation
from musicgen.ratelimit import PerClientLimit

MODEL = "minimax-music"
PROMPT_MAX_CHARS = 600  # the hosted API's limit
REFERENCE_URL_MAX_CHARS = 2000
AUDIO_URL_SALT = "localgen.audio-file"
AUDIO_URL_VALID_FOR = 3600  # seconds; every status answer hands out a fresh URL
is_http_url = URLValidator(schemes=["http", "https"])
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
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "The request body is not JSON. Send a JSON object with model, prompt and reference_audio_url.")
    if not isinstance(body, dict):
        return _error(400, "The request body must be a JSON object with model, prompt and reference_audio_url.")
    field_errors = _field_errors(body)
    if field_errors:
        return _error(422, "; ".join(f"{field} {problem}" for field, problem in field_errors.items()) + ".", fields=field_errors)
    generation = flow.generation_create(key=key, prompt=body["prompt"], reference_audio_url=body["reference_audio_url"])
    return JsonResponse({"id": str(generation.id), "status": generation.status}, status=201)


def _field_errors(body):
    """{field: problem} for every field of a POST body that breaks the contract."""
    errors = {}
    if body.get("model") != MODEL:
        errors["model"] = f'must be "{MODEL}"'
    prompt = body.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        errors["prompt"] = "is required: the lyrics to sing, as a string"
    elif len(prompt) > PROMPT_MAX_CHARS:
        errors["prompt"] = f"must be at most {PROMPT_MAX_CHARS} characters (this one has {len(prompt)})"
    url = body.get("reference_audio_url")
    if not isinstance(url, str) or len(url) > REFERENCE_URL_MAX_CHARS or not _is_http_url(url):
        errors["reference_audio_url"] = "is required: the http or https URL of a reference recording (WAV or MP3)"
    return errors


def _is_http_url(url):
    try:
        is_http_url(url)
    except ValidationError:
        return False
    return True


def _generation_status(request, key):
    generation_id = request.GET.get("generation_id", "")
    if not generation_id:
        return _error(422, "generation_id is required.", fields={"generation_id": "is required"})
    generation = _own_generation(key, generation_id)
    if generation is None:
        return _error(404, "No generation with this id was made with this API key.")
    audio_file = None
    if generation.status == Generation.Status.COMPLETED:
        audio_file = {"url": _audio_url(generation)}
    return JsonResponse(
        {"id": str(generation.id), "status": generation.status, "audio_file": audio_file, "error": generation.error or None}
    )


def _own_generation(key, generation_id):
    try:
        uuid.UUID(generation_id)
    except ValueError:
        return None
    return Generation.objects.filter(id=generation_id, key=key).first()


def _audio_url(generation):
    """An absolute URL anyone holding it can download the song from, for AUDIO_URL_VALID_FOR seconds."""
    if getattr(default_storage, "querystring_auth", False):
        return default_storage.url(generation.audio_file.name, expire=AUDIO_URL_VALID_FOR)
    token = signing.dumps(str(generation.id), salt=AUDIO_URL_SALT)
    return settings.PUBLIC_BASE_URL + reverse("localgen:audio_file", args=[token])


@csrf_exempt
@require_POST
@bearer_key_required
def analyze_audio(request, key):
    """Our one addition to the hosted contract: what the engine hears in a reference, before generating.

    The hosted API has no such endpoint; the app shows tempo and key only where it gets an answer.
    """
    reference = request.FILES.get("reference")
    if reference is None:
        return _error(422, "reference is required: a WAV or MP3 file, sent as multipart form data.")
    if reference.size > settings.LOCALGEN_REFERENCE_MAX_MB * 1_000_000:
        return _error(413, f"The reference is larger than {settings.LOCALGEN_REFERENCE_MAX_MB} MB.")
    from engine import EngineError, analyze  # the engine's numeric libraries load only when asked

    with tempfile.NamedTemporaryFile(suffix=".audio") as local:
        for chunk in reference.chunks():
            local.write(chunk)
        local.flush()
        try:
            analysis = analyze(local.name)
        except EngineError as exc:
            return _error(422, str(exc))
    return JsonResponse(
        {
            "duration": round(analysis.duration, 2),
            "tempo": round(analysis.tempo, 1),
            "beat_found": analysis.beat_found,
            "key": f"{analysis.key_tonic} {analysis.key_mode}",
            "chords": analysis.chords[:8],
            "loudness_lufs": round(analysis.loudness_lufs, 1),
            "vocals_found": analysis.vocals_found,
            "vocal_median_hz": round(analysis.vocal_median_hz, 1) if analysis.vocals_found else None,
        }
    )


@require_safe
def audio_file(request, token):
    try:
        generation_id = signing.loads(token, salt=AUDIO_URL_SALT, max_age=AUDIO_URL_VALID_FOR)
    except signing.BadSignature:
        raise Http404("This song link is not valid or has expired; ask for the generation's status again.") from None
    generation = Generation.objects.filter(id=generation_id, status=Generation.Status.COMPLETED).first()
    if generation is None:
        raise Http404("This song no longer exists.")
    return stored_file_response(request, generation.audio_file.name)


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
