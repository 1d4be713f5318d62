"""API keys for the local generation service, stored like healthchecks stores its API keys.

A key is shown once, when it is made. The database keeps its first characters (to find candidate
rows) and the hash of the whole key, compared in constant time: the token scheme of plumbing/tokens.py.
"""

from localgen.models import GenerationKey
from plumbing.tokens import hash_token, new_token, row_for_token

KEY_PREFIX_LENGTH = 12
GENERATED_KEY_START = "lg_"
SHORTEST_KEY = 24


def generation_key_create(*, name, plaintext=None):
    """Make a key named `name`; return (row, plaintext). Pass `plaintext` to install a known key."""
    if plaintext is None:
        plaintext = new_token(GENERATED_KEY_START)
    if len(plaintext) < SHORTEST_KEY:
        raise ValueError(f"An API key must be at least {SHORTEST_KEY} characters long.")
    key = GenerationKey.objects.create(name=name, prefix=plaintext[:KEY_PREFIX_LENGTH], key_hash=hash_token(plaintext))
    return key, plaintext


def generation_key_for(plaintext):
    """The key row that `plaintext` belongs to, or None."""
    return row_for_token(
        GenerationKey.objects.all(),
        plaintext,
        hash_field="key_hash",
        lookup_field="prefix",
        lookup_length=KEY_PREFIX_LENGTH,
    )
