"""/health/: can this server do its work right now? For load balancers, compose health checks and people.

Four checks, each bounded by a short timeout so the page stays cheap even when a part is down:
the database, the Celery broker, the file storage, and the music generator (any HTTP answer from its
base URL counts as reachable; whether our key works is the job's business, not the health check's).
The answer names what failed in a sentence and never carries a URL, a host or a library's error text,
so it is safe to serve without a login.

Open to anyone, so no request may make it reach out: each web process runs the checks at most once
every ANSWER_SECONDS and serves that answer meanwhile (kept in the process, not in Redis, so that it
still answers when Redis is the part that is down), and each client address may ask
REQUESTS_PER_MINUTE times a minute, past which it gets 429.
"""

import logging
import threading
import time
from collections.abc import Callable

import requests
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

from plumbing.ratelimit import PerClientLimit

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 2
# Looked up, never created: asking whether a name exists proves the storage answers and lets us in.
STORAGE_PROBE_NAME = "health/probe"
ANSWER_SECONDS = 10
# Compose and load balancers ask every few seconds; a person reloads now and then.
REQUESTS_PER_MINUTE = 30
HEALTH_REQUESTS = PerClientLimit("health-requests", limit=REQUESTS_PER_MINUTE, window_seconds=60)


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


class RecentAnswer:
    """The checks' last results, run again only once they are ANSWER_SECONDS old.

    One lock per process: requests arriving while the checks run wait for that run's answer instead of
    starting their own, so a flood while a part is down (each check waiting out its timeout) runs them once.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._results = None
        self._taken_at = 0.0

    def results(self) -> dict[str, dict]:
        with self._lock:
            if self._results is None or time.monotonic() - self._taken_at >= ANSWER_SECONDS:
                self._results = run_checks()
                self._taken_at = time.monotonic()
            return self._results


RECENT_ANSWER = RecentAnswer()


def too_many_requests(request) -> bool:
    """Whether this client asked past REQUESTS_PER_MINUTE; never when the cache that counts is down."""
    try:
        return HEALTH_REQUESTS.count(request) > HEALTH_REQUESTS.limit
    except Exception as exc:  # Redis down: the broker check says so; the answer is cached in the process anyway
        logger.warning("health request not counted: %s", type(exc).__name__)
        return False


@never_cache
@require_GET
def health(request):
    if too_many_requests(request):
        response = HttpResponse(
            "Too many health checks from this address; ask at most once every few seconds.\n",
            status=429,
            content_type="text/plain",
        )
        response["Retry-After"] = str(HEALTH_REQUESTS.window_seconds)
        return response
    checks = RECENT_ANSWER.results()
    healthy = all(result["ok"] for result in checks.values())
    return JsonResponse({"status": "ok" if healthy else "failing", "checks": checks}, status=200 if healthy else 503)
