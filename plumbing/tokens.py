"""Random tokens for links and access (share links, invitations, API tokens, the local service's
keys): shown once when made, stored only as hashes, found again in constant time.

A token carries 256 random bits, so nobody can guess one from its hash: an unsalted SHA-256 (hex)
is enough, and it lets the database find a token by its hash, or by a short public prefix stored in
the clear, in one lookup. Either way the stored hash is compared with `hmac.compare_digest`, so how
long a comparison takes says nothing about how close a guess was.
"""

import hashlib
import hmac
import secrets

TOKEN_BYTES = 32
HINT_LENGTH = 6  # the first characters, shown to tell tokens apart


def new_token(prefix: str = "") -> str:
    """A fresh token; `prefix` (say "mgu_") tells what it is wherever it turns up (logs, a leaked config)."""
    return f"{prefix}{secrets.token_urlsafe(TOKEN_BYTES)}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_hint(token: str) -> str:
    return token[:HINT_LENGTH]


def row_for_token(rows, token: str, *, hash_field: str = "token_hash", lookup_field: str = "", lookup_length: int = 0):
    """The row of `rows` (a queryset) whose `hash_field` holds the hash of `token`, or None.

    Rows are found by the token's first `lookup_length` characters in `lookup_field` when given, else
    by the hash itself; the stored hash is then compared in constant time. An empty token finds none.
    """
    if not token:
        return None
    wanted = hash_token(token)
    if lookup_field:
        candidates = rows.filter(**{lookup_field: token[:lookup_length]})
    else:
        candidates = rows.filter(**{hash_field: wanted})
    for candidate in candidates:
        if hmac.compare_digest(getattr(candidate, hash_field), wanted):
            return candidate
    return None
