"""Personal API tokens: made (the token shown once), found by prefix and compared in constant time, revoked.

Revoking deletes the row, so a revoked token is simply unknown.
"""

from datetime import timedelta

from django.utils import timezone

from api.models import ApiToken
from plumbing.tokens import hash_token, new_token, row_for_token

TOKEN_PREFIX = "mgu_"  # says "a musicgen user token" wherever one turns up (logs, a leaked config)
LOOKUP_LENGTH = 12
LAST_USED_PRECISION = timedelta(minutes=1)  # spare the database a write on every request


def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    token = new_token(TOKEN_PREFIX)
    api_token = ApiToken.objects.create(
        user=user, name=name, prefix=token[:LOOKUP_LENGTH], token_hash=hash_token(token)
    )
    return api_token, token


def api_token_for(token: str) -> ApiToken | None:
    """The stored token matching `token` (with its user), or None."""
    return row_for_token(
        ApiToken.objects.select_related("user"), token, lookup_field="prefix", lookup_length=LOOKUP_LENGTH
    )


def api_token_touch(api_token: ApiToken) -> None:
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(id=api_token.id).update(last_used_at=now)


def api_token_revoke(*, user, token_id: int) -> bool:
    deleted, _ = ApiToken.objects.filter(user=user, id=token_id).delete()
    return bool(deleted)
