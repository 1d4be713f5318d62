"""API keys for the local generation service, stored like healthchecks stores its API keys.

A key is shown once, when it is made. The database keeps its first characters (to find candidate
rows) and the SHA-256 of the whole key (compared in constant time). A key is a random 256-bit
token, so a fast unsalted hash is enough: nobody can guess a key from its hash.
"""

import hashlib
import hmac
import secrets

from localgen.models import GenerationKey

KEY_PREFIX_LENGTH = 12
GENERATED_KEY_START = "lg_"
SHORTEST_KEY = 24


def hash_key(plaintext):
    return hashlib.sha256(plaintext.encode()).hexdigest()


def generation_key_create(*, name, plaintext=None):
    """Make a key named `name`; return (row, plaintext). Pass `plaintext` to install a known key."""
    if plaintext is None:
        plaintext = GENERATED_KEY_START + secrets.token_urlsafe(32)
    if len(plaintext) < SHORTEST_KEY:
        raise ValueError(f"An API key must be at least {SHORTEST_KEY} characters long.")
    key = GenerationKey.objects.create(name=name, prefix=plaintext[:KEY_PREFIX_LENGTH], key_hash=hash_key(plaintext))
    return key, plaintext


def generation_key_for(plaintext):
    """The key row that `plaintext` belongs to, or None."""
    if not plaintext:
        return None
    wanted = hash_key(plaintext)
    for key in GenerationKey.objects.filter(prefix=plaintext[:KEY_PREFIX_LENGTH]):
        if hmac.compare_digest(key.key_hash, wanted):
            return key
    return None
