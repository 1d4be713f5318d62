"""The music API client: submit, status, download, and a reference's analysis. Nothing else in the app speaks HTTP to a generator.

The same client talks to the hosted API (https://api.aimlapi.com) and to our own local generation
service (localgen/), which answers the same contract. Every failure becomes one of a few named
errors carrying a sentence a person can act on; `transient` says whether trying again may help.

Whether a request is sent again depends on what the answer proves. The POST that starts a generation
is paid for, so it is sent again only when the generator certainly did not start one:

| answer                                   | error            | submit (POST)                  | status (GET) / download       |
| ---------------------------------------- | ---------------- | ------------------------------ | ----------------------------- |
| 2xx with an id / a status                | -                | done                           | done                          |
| 401, 403                                 | AuthFailed       | failed: fix the key            | failed                        |
| 429 (with or without Retry-After)        | RateLimited      | resent after Retry-After       | resent after Retry-After      |
| other 4xx                                | InputRejected    | failed: the input is refused   | failed                        |
| 5xx                                      | Unavailable      | resent with backoff: it failed | resent                        |
| connection refused, DNS, connect timeout | Unavailable      | resent: nothing was sent       | resent                        |
| connection reset or closed after sending | ConnectionCut    | NOT resent: OutcomeUnknown     | resent (reading is free)      |
| read timeout (sent, no answer in time)   | TimedOut         | NOT resent: OutcomeUnknown     | resent                        |
| 2xx that is not JSON / lacks fields      | MalformedAnswer  | failed                         | failed                        |
| song over MUSICGEN_SONG_MAX_MB           | TooLarge         | -                              | failed                        |

A 5xx proves the generator answered and refused; a reset after sending proves nothing, so it is
treated like a read timeout. Resends are bounded by MUSICGEN_SUBMIT_MAX_ATTEMPTS, the job's deadline
and MUSICGEN_DOWNLOAD_MAX_ATTEMPTS (jobs/flow.py).
"""

import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from urllib3.exceptions import MaxRetryError, NewConnectionError

from generation import catalogue
from plumbing import fetching
from plumbing.errors import ExplainedError

logger = logging.getLogger(__name__)

GENERATE_PATH = "/v2/generate/audio"
ANALYZE_PATH = "/v2/analyze/audio"  # offered by our local service only
WORKING_STATUSES = ("queued", "generating", "waiting")
ANALYSIS_WORKING_STATUSES = ("queued", "analyzing")


class UpstreamError(ExplainedError):
    transient = False  # whether trying the same request again later may succeed


class InputRejected(UpstreamError):
    pass


class AuthFailed(UpstreamError):
    pass


class RateLimited(UpstreamError):
    transient = True

    def __init__(self, message, retry_after=None):
        super().__init__(message)
        self.retry_after = retry_after


class Unavailable(UpstreamError):
    transient = True


class TimedOut(UpstreamError):
    transient = True


class ConnectionCut(UpstreamError):
    """The connection broke after the request was sent: the generator may have acted on it."""

    transient = True


class OutcomeUnknown(UpstreamError):
    """The request may have reached the upstream, so sending it again could pay twice."""


class MalformedAnswer(UpstreamError):
    pass


class TooLarge(UpstreamError):
    pass


class DownloadRefused(UpstreamError):
    """The song's URL answered with a client error (or redirected without end): asking again will not help."""


@dataclass(frozen=True)
class GenerationStatus:
    generation_id: str
    status: str
    audio_url: str | None
    error: str | None
    # Our local service's additions to the hosted contract, absent from the hosted API's answers:
    # each sung line's and word's start and end in seconds, and {stem name: URL}.
    lyrics_timing: list | None = None
    stem_urls: dict | None = None

    @property
    def is_working(self):
        return self.status in WORKING_STATUSES


@dataclass(frozen=True)
class AnalysisStatus:
    analysis_id: str
    status: str
    analysis: dict | None  # tempo, key, vocals_found, ... once completed
    error: str | None

    @property
    def is_working(self):
        return self.status in ANALYSIS_WORKING_STATUSES


class MusicApiClient:
    def __init__(self, base_url, api_key, connect_timeout=5, read_timeout=30, download_timeout=120):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = (connect_timeout, read_timeout)
        self.download_timeout = download_timeout
        self.session = requests.Session()

    @classmethod
    def from_settings(cls):
        return cls(
            settings.MUSICGEN_API_BASE_URL,
            settings.MUSICGEN_API_KEY,
            settings.MUSICGEN_API_CONNECT_TIMEOUT,
            settings.MUSICGEN_API_READ_TIMEOUT,
            settings.MUSICGEN_SONG_DOWNLOAD_TIMEOUT,
        )

    def submit(self, *, model, inputs, reference_audio_url=None):
        """Start a generation of `model` (a catalogue name) from `inputs` (the catalogue's names); return its id.

        The body follows the model's own schema (generation/catalogue.py). An answer lost after
        sending raises OutcomeUnknown; a model the generator does not know is its 4xx: InputRejected.
        """
        body = catalogue.hosted_body(model, inputs, reference_audio_url=reference_audio_url)
        try:
            response = self._request("POST", json=body)
        except (TimedOut, ConnectionCut) as exc:
            raise OutcomeUnknown(
                "The generator did not answer in time after the job was sent, so it may or may not have "
                "started it. It was not sent again to avoid paying twice; retry the job to send it again."
            ) from exc
        answer = self._json(response)
        generation_id = answer.get("id")
        if not isinstance(generation_id, str) or not generation_id:
            raise MalformedAnswer("The generator accepted the job but its answer had no generation id.")
        return generation_id

    def status(self, generation_id):
        response = self._request("GET", params={"generation_id": generation_id})
        answer = self._json(response)
        status = answer.get("status")
        if not isinstance(status, str):
            raise MalformedAnswer("The generator's status answer had no status.")
        audio_file = answer.get("audio_file") or {}
        audio_url = audio_file.get("url") if isinstance(audio_file, dict) else None
        if status == "completed" and not audio_url:
            raise MalformedAnswer("The generator said the song is complete but gave no audio URL.")
        return GenerationStatus(
            generation_id,
            status,
            audio_url,
            _error_text(answer.get("error")),
            lyrics_timing=_lyrics_timing(answer.get("lyrics_timing")),
            stem_urls=_stem_urls(answer.get("stems")),
        )

    def analysis_start(self, *, reference_audio_url):
        """Ask what the generator hears in a reference; return the analysis id, or None where it offers none.

        Free and without effect on the generator, so unlike `submit` it may be sent again after a timeout.
        """
        body = {"reference_audio_url": reference_audio_url}
        response = self._request("POST", path=ANALYZE_PATH, json=body, missing_ok=True)
        if response is None:
            return None
        analysis_id = self._json(response).get("id")
        if not isinstance(analysis_id, str) or not analysis_id:
            raise MalformedAnswer("The generator accepted the analysis but its answer had no id.")
        return analysis_id

    def analysis_status(self, analysis_id):
        response = self._request("GET", path=ANALYZE_PATH, params={"analysis_id": analysis_id})
        answer = self._json(response)
        status = answer.get("status")
        if not isinstance(status, str):
            raise MalformedAnswer("The generator's analysis answer had no status.")
        analysis = answer.get("analysis")
        if status == "completed" and not isinstance(analysis, dict):
            raise MalformedAnswer("The generator said the analysis is complete but sent none.")
        return AnalysisStatus(analysis_id, status, analysis, _error_text(answer.get("error")))

    def download(self, url, destination, *, max_bytes):
        """Stream the song at `url` into the open binary file `destination`; return the byte count.

        No address policy: the generator may be our own local service on loopback. The whole download
        has one deadline, so a server that trickles bytes cannot hold a worker forever.
        """
        try:
            return fetching.fetch_to_file(url, destination, max_bytes=max_bytes, timeout_seconds=self.download_timeout)
        except fetching.FetchError as exc:
            raise _download_error(exc, max_bytes, self.download_timeout) from None

    def _request(self, method, *, path=GENERATE_PATH, missing_ok=False, **kwargs):
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"}
        try:
            response = self.session.request(
                method, self.base_url + path, headers=headers, timeout=self.timeout, **kwargs
            )
        except requests.ConnectTimeout:
            raise Unavailable("The generator could not be reached (the connection timed out).") from None
        except requests.Timeout:
            raise TimedOut("The generator did not answer in time.") from None
        except requests.ConnectionError as exc:
            if _nothing_was_sent(exc):
                raise Unavailable("The generator could not be reached (the connection was refused).") from None
            raise ConnectionCut("The connection to the generator broke before it answered.") from None
        if missing_ok and response.status_code in (404, 405):
            return None
        _raise_for_status(response)
        return response

    @staticmethod
    def _json(response):
        try:
            answer = response.json()
        except ValueError:
            raise MalformedAnswer(
                f"The generator answered with something that is not JSON (HTTP {response.status_code})."
            ) from None
        if not isinstance(answer, dict):
            raise MalformedAnswer("The generator answered with JSON that is not an object.")
        return answer


def _lyrics_timing(value):
    """The optional timing as [{"text", "start", "end", "words": [...]}], or None when absent or not that shape.

    Optional extras never fail a song: one that cannot be used is left out, and the song shows its lyrics as text.
    """
    if value is None:
        return None
    if isinstance(value, list) and all(
        _is_timed(line) and all(map(_is_timed, line.get("words", []))) for line in value
    ):
        return value
    logger.warning("the generator's lyrics_timing is not a list of timed lines; the song is kept without it")
    return None


def _is_timed(item):
    return (
        isinstance(item, dict)
        and isinstance(item.get("text"), str)
        and all(
            isinstance(item.get(edge), int | float) and not isinstance(item.get(edge), bool)
            for edge in ("start", "end")
        )
        and isinstance(item.get("words", []), list)
    )


def _stem_urls(value):
    """{stem name: URL} of every stem offered as {"url": "..."}; None when there are none."""
    if not isinstance(value, dict):
        return None
    urls = {
        stem: entry["url"]
        for stem, entry in value.items()
        if isinstance(entry, dict) and isinstance(entry.get("url"), str) and entry["url"]
    }
    return urls or None


def _download_error(exc: fetching.FetchError, max_bytes: int, timeout_seconds: int) -> UpstreamError:
    """The client's error for a failed song download: transient where fetching it again may work."""
    if isinstance(exc, fetching.TooLarge):
        return TooLarge(f"The generated song is larger than {max_bytes // 1_000_000} MB.")
    if isinstance(exc, fetching.DeadlinePassed):
        return TimedOut(f"The generator took longer than {timeout_seconds} seconds to send the song.")
    if isinstance(exc, fetching.TooManyRedirects):
        return DownloadRefused("The generator's link to the song redirected too many times to follow.")
    if isinstance(exc, fetching.HttpStatus):
        if 400 <= exc.status < 500 and exc.status not in (408, 429):
            return DownloadRefused(
                f"The generator refused to hand over the song (HTTP {exc.status}); its link may have expired."
            )
        return Unavailable(f"The song could not be fetched from the generator (HTTP {exc.status}).")
    if isinstance(exc, fetching.CutShort):
        return Unavailable(
            "The song could not be fetched from the generator (the download was cut off before the end)."
        )
    if isinstance(exc, fetching.BadEncoding):
        return Unavailable("The song could not be fetched from the generator (it was sent compressed in a broken way).")
    return Unavailable("The song could not be fetched from the generator (connection refused or cut off).")


def _nothing_was_sent(error: requests.ConnectionError) -> bool:
    """Whether the connection failed before the request went out (refused, DNS), so a resend is safe.

    requests wraps a failed connect in MaxRetryError(NewConnectionError); a reset or close after the
    request was written arrives as ProtocolError. Anything else counts as possibly sent.
    """
    cause = error.args[0] if error.args else None
    if isinstance(cause, MaxRetryError):
        cause = cause.reason
    return isinstance(cause, NewConnectionError)


def _raise_for_status(response):
    code = response.status_code
    if code < 400:
        return
    detail = _answer_detail(response)
    if code in (401, 403):
        raise AuthFailed(
            f"The generator refused the API key (HTTP {code}). Check MUSICGEN_API_KEY; this job can be retried "
            "once it is fixed."
        )
    if code == 429:
        raise RateLimited(
            "The generator is rate limiting requests; the job will be tried again shortly.",
            retry_after=_retry_after_seconds(response),
        )
    if code >= 500:
        raise Unavailable(f"The generator is unavailable (HTTP {code}){': ' + detail if detail else ''}.")
    raise InputRejected(f"The generator rejected the job: {detail or f'HTTP {code}'}")


def _answer_detail(response):
    try:
        answer = response.json()
    except ValueError:
        return response.text[:300].strip()
    if isinstance(answer, dict):
        for key in ("error", "message", "detail"):
            if answer.get(key):
                return _error_text(answer[key])
    return str(answer)[:300]


def _error_text(error):
    if error is None or error == "":
        return None
    if isinstance(error, dict):
        return str(error.get("message") or error.get("detail") or error)[:1000]
    return str(error)[:1000]


def _retry_after_seconds(response):
    value = response.headers.get("Retry-After", "")
    try:
        return max(0, int(float(value)))
    except ValueError:
        return None
