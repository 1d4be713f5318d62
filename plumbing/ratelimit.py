"""Per-client request counters shared by every web process (the Redis cache), and who the client is.

Both apps count here: the share pages every request, the local service's token endpoints every
failed key. Logins are counted by django-axes, which reads the client address from `client_address`
too, so one rule decides whom a limit applies to.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def client_address(request: HttpRequest) -> str:
    """The address of the person's machine.

    REMOTE_ADDR, unless MUSICGEN_TRUSTED_PROXY_COUNT says that many proxies stand in front of us:
    then the address the outermost of them saw, which each proxy appends to X-Forwarded-For. What a
    client writes into that header itself sits further left and is never read.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


@dataclass(frozen=True)
class PerClientLimit:
    """At most `limit` counted events per client address in a fixed window of `window_seconds`."""

    name: str
    limit: int
    window_seconds: int = 60

    def _key(self, request: HttpRequest) -> str:
        return f"ratelimit:{self.name}:{client_address(request)}"

    def count(self, request: HttpRequest) -> int:
        """Count one event for this request's client; return how many there were in this window."""
        key = self._key(request)
        cache.add(key, 0, timeout=self.window_seconds)
        try:
            return cache.incr(key)
        except ValueError:  # the window ended between add and incr: this event starts the next one
            cache.add(key, 1, timeout=self.window_seconds)
            return 1

    def is_exceeded(self, request: HttpRequest) -> bool:
        """Whether this client has used up its events for the window, without counting one more."""
        return cache.get(self._key(request), 0) >= self.limit


def login_lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer once an address has failed to log in too often."""
    cool_off_seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {"cool_off_minutes": cool_off_seconds // 60}
    response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(cool_off_seconds)
    return response
