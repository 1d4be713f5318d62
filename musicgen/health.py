"""/health/: can this server do its work right now? For load balancers, compose health checks and people.

Four checks, each bounded by a short timeout so the page stays cheap even when a part is down:
the database, the Celery broker, the file storage, and the music generator (any HTTP answer from its
base URL counts as reachable; whether our key works is the job's business, not the health check's).
The answer names what failed in a sentence and never carries a URL, a host or a library's error text,
so it is safe to serve without a login.
"""

import logging
from collections.abc import Callable

import requests
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2
# Looked up, never created: asking whether a name exists proves the storage answers and lets us in.
STORAGE_PROBE_NAME = "health/probe"


class CheckFailed(Exception):
    """A part did not answer; the message is the sentence shown on /health/."""


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        raise CheckFailed("The database does not answer; check DATABASE_URL and that the server runs.") from exc
    return "The database answers."


def check_broker() -> str:
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            connect_timeout=CHECK_TIMEOUT_SECONDS,
            transport_options={"socket_timeout": CHECK_TIMEOUT_SECONDS},
        ) as broker:
            broker.ensure_connection(max_retries=0, timeout=CHECK_TIMEOUT_SECONDS)
    except Exception as exc:
        raise CheckFailed(
            "The Celery broker does not answer, so no job can move; check CELERY_BROKER_URL and that it runs."
        ) from exc
    return "The Celery broker answers."


def check_storage() -> str:
    try:
        default_storage.exists(STORAGE_PROBE_NAME)
    except Exception as exc:
        raise CheckFailed(
            "The file storage does not answer or refuses our credentials; check the MUSICGEN_STORAGE settings."
        ) from exc
    return "The file storage answers."


def check_generator() -> str:
    try:
        requests.get(settings.MUSICGEN_API_BASE_URL, timeout=CHECK_TIMEOUT_SECONDS, allow_redirects=False)
    except requests.RequestException as exc:
        raise CheckFailed(
            "The music generator does not answer, so new jobs cannot be sent; check MUSICGEN_API_BASE_URL."
        ) from exc
    return "The music generator answers."


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "broker": check_broker,
    "storage": check_storage,
    "generator": check_generator,
}


def run_checks() -> dict[str, dict]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = {"ok": True, "detail": check()}
        except CheckFailed as failure:
            # The cause's type goes to the log for whoever runs the server; its text may hold a host or a key.
            logger.warning("health check %s failed: %s", name, type(failure.__cause__).__name__)
            results[name] = {"ok": False, "detail": str(failure)}
    return results


@never_cache
@require_GET
def health(request):
    checks = run_checks()
    healthy = all(result["ok"] for result in checks.values())
    return JsonResponse({"status": "ok" if healthy else "failing", "checks": checks}, status=200 if healthy else 503)
