"""What the engine hears in a reference: our one addition to the hosted contract, run on the engine queue.

POST /v2/analyze/audio {"reference_audio_url"} -> 201 {"id", "status": "queued"}
GET  /v2/analyze/audio?analysis_id=ID          -> {"id", "status", "analysis", "error"}

    (new) ──> queued ──> analyzing ──> completed
                              │
                              └──────> error

- (new) -> queued: the POST view; the analysis task is sent to the engine worker on commit.
- queued -> analyzing: the task claims the row with a conditional UPDATE (a redelivered message stops).
- analyzing -> completed | error: the reference was fetched and measured, or could not be.
- Analyses are deleted a day after they were asked for (`analyses_sweep`, run by beat).

The web process never runs the engine: a request only records the question, so an analysis never
holds a web worker. Keys see only their own analyses, as with generations.
"""

import logging
import tempfile
from datetime import timedelta

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from localgen.flow import _sentence
from localgen.models import Analysis
from localgen.reference import ReferenceUnavailable, fetch_reference
from localgen.views import _error, bearer_key_required, json_object_body, owned_by_key, refused_reference_url
from plumbing import enqueue

logger = logging.getLogger(__name__)
S = Analysis.Status

ANALYSIS_SOFT_TIME_LIMIT = 120  # seconds; measuring a 10-minute reference takes well under a minute
ANALYSIS_KEPT_FOR = timedelta(days=1)


# --- the API --------------------------------------------------------------------------------------


@csrf_exempt
@require_http_methods(["GET", "POST"])
@bearer_key_required
def analyze_audio(request, key):
    if request.method == "POST":
        return _start_analysis(request, key)
    return _analysis_status(request, key)


def _start_analysis(request, key):
    body, refusal = json_object_body(request, instruction="Send a JSON object with reference_audio_url.")
    if refusal:
        return refusal
    url = body.get("reference_audio_url")
    url_refusal = refused_reference_url(url)
    if url_refusal:
        return url_refusal
    analysis = analysis_create(key=key, reference_audio_url=url)
    return JsonResponse({"id": str(analysis.id), "status": analysis.status}, status=201)


def _analysis_status(request, key):
    analysis_id = request.GET.get("analysis_id", "")
    if not analysis_id:
        return _error(422, "analysis_id is required.", fields={"analysis_id": "is required"})
    analysis = owned_by_key(Analysis, key, analysis_id)
    if analysis is None:
        return _error(404, "No analysis with this id was asked for with this API key.")
    return JsonResponse(
        {
            "id": str(analysis.id),
            "status": analysis.status,
            "analysis": analysis.analysis,
            "error": analysis.error or None,
        }
    )


# --- the flow -------------------------------------------------------------------------------------


def analysis_create(*, key, reference_audio_url: str) -> Analysis:
    """Record a queued analysis and send it to the engine worker once the row is committed."""
    with transaction.atomic():
        analysis = Analysis.objects.create(key=key, reference_audio_url=reference_audio_url)
        enqueue.send_on_commit(enqueue.ANALYZE_REFERENCE, analysis.id)
    return analysis


def analysis_step(analysis_id) -> None:
    """Claim a queued analysis, fetch its reference, measure it; leave it completed or in error."""
    claimed = Analysis.objects.filter(id=analysis_id, status=S.QUEUED).update(
        status=S.ANALYZING, started_at=timezone.now()
    )
    if not claimed:
        return
    # Imported here so that only the engine worker loads the engine and its numeric libraries.
    from engine import EngineError, analyze

    analysis = Analysis.objects.get(id=analysis_id)
    try:
        with tempfile.NamedTemporaryFile(prefix="localgen-analysis-") as reference_file:
            fetch_reference(analysis.reference_audio_url, reference_file)
            reference_file.flush()
            heard = analyze(reference_file.name)
    except (ReferenceUnavailable, EngineError) as exc:
        _finish(analysis_id, status=S.ERROR, error=_sentence(str(exc)))
        return
    except Exception:
        logger.exception("analysis %s failed unexpectedly", analysis_id)
        _finish(analysis_id, status=S.ERROR, error="The reference could not be analysed because of an internal error.")
        return
    _finish(analysis_id, status=S.COMPLETED, analysis=_what_is_heard(heard))


def analysis_overran(analysis_id) -> None:
    minutes = ANALYSIS_SOFT_TIME_LIMIT // 60
    _finish(analysis_id, status=S.ERROR, error=f"The analysis took longer than {minutes} minutes and was stopped.")


def _finish(analysis_id, **fields):
    Analysis.objects.filter(id=analysis_id, status=S.ANALYZING).update(finished_at=timezone.now(), **fields)


def _what_is_heard(heard):
    """The engine's analysis as the API's plain JSON, rounded to what a person reads."""
    return {
        "duration": round(heard.duration, 2),
        "tempo": round(heard.tempo, 1),
        "beat_found": heard.beat_found,
        "key": f"{heard.key_tonic} {heard.key_mode}",
        "chords": heard.chords[:8],
        "loudness_lufs": round(heard.loudness_lufs, 1),
        "vocals_found": heard.vocals_found,
        "vocal_median_hz": round(heard.vocal_median_hz, 1) if heard.vocals_found else None,
    }


def analyses_sweep() -> int:
    """Delete analyses asked for more than ANALYSIS_KEPT_FOR ago; return how many. Run by beat."""
    deleted, _ = Analysis.objects.filter(created_at__lt=timezone.now() - ANALYSIS_KEPT_FOR).delete()
    return deleted
