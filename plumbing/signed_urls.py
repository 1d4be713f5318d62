"""Signed, expiring tokens for URLs that work without a login: a generator fetching a job's reference,
the app downloading a song from the local generation service.

A token holds a JSON payload and when it stops working, signed with SECRET_KEY for one purpose (a
token signed for one purpose is forged for any other). It is not encrypted: put ids in it, never secrets.
"""

import time
from datetime import timedelta

from django.core import signing


def sign(payload, *, purpose: str, valid_for: timedelta) -> str:
    """A URL-safe token carrying `payload` (JSON) for `purpose`, readable for `valid_for`."""
    expires = int(time.time() + valid_for.total_seconds())
    return signing.dumps({"payload": payload, "expires": expires}, salt=purpose)


def read(token: str, *, purpose: str):
    """The payload `token` was signed with for `purpose`, or None when it is forged, of another purpose
    or expired."""
    try:
        grant = signing.loads(token, salt=purpose)
    except signing.BadSignature:
        return None
    return grant["payload"] if time.time() < grant["expires"] else None
