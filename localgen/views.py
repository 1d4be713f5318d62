"""The seed's API contract, as the hosted API (minimax-music on api.aimlapi.com) answers it.

POST /v2/generate/audio starts a generation; GET /v2/generate/audio?generation_id=ID tells how it
is going and, once completed, where the song is. Both need `Authorization: Bearer <key>`, and a key
sees only its own generations. Errors are JSON objects with an "error" sentence.
"""

import json
import uuid

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import URLValidator
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from jobs.files import stored_file_response
from localgen import flow
from localgen.keys import generation_key_for
from localgen.models import Generation

MODEL = "minimax-music"
PROMPT_MAX_CHARS = 600  # the hosted API's limit
REFERENCE_URL_MAX_CHARS = 2000
AUDIO_URL_SALT = "localgen.audio-file"
AUDIO_URL_VALID_FOR = 3600  # seconds; every status answer hands out a fresh URL
is_http_url = URLValidator(schemes=["http", "https"])


@csrf_exempt
@require_http_methods(["GET", "POST"])
def generate_audio(request):
    key = _authenticated_key(request)
    if key is None:
        return _unauthorized()
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
