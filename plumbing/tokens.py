"""Random tokens for links and API access, stored only as hashes.

A token carries 256 random bits, so nobody can guess one from its hash: an unsalted SHA-256 is enough,
and it lets the database find a token by its hash (or by a short public prefix) in one lookup.
"""

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token(prefix: str = "") -> str:
    return f"{prefix}{secrets.token_urlsafe(TOKEN_BYTES)}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
