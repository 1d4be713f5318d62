"""The one token scheme (plumbing/tokens.py): a row is found by its token's public prefix or by the
token's hash, its stored hash compared in constant time; wrong and empty tokens find nothing."""

import pytest

from api.models import ApiToken
from plumbing.tokens import hash_token, new_token, row_for_token, token_hint
from teams.models import Invitation, Team
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def api_token_row(user, token):
    return ApiToken.objects.create(user=user, name="script", prefix=token[:12], token_hash=hash_token(token))


def by_prefix(token):
    return row_for_token(ApiToken.objects.all(), token, lookup_field="prefix", lookup_length=12)


def test_a_token_is_stored_as_the_sha256_hex_of_its_text_so_stored_hashes_still_match():
    assert hash_token("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_new_tokens_carry_their_public_prefix_and_differ():
    first, second = new_token("mgu_"), new_token("mgu_")

    assert first.startswith("mgu_") and len(first) > 40
    assert first != second
    assert token_hint(first) == first[:6]


def test_the_lookup_by_prefix_finds_the_row_whose_hash_matches_among_rows_sharing_the_prefix():
    user = UserFactory()
    shared_start = "mgu_samestart"
    first = api_token_row(user, shared_start + "first-" + "x" * 30)
    second = api_token_row(user, shared_start + "second-" + "y" * 30)

    assert by_prefix(shared_start + "second-" + "y" * 30) == second
    assert by_prefix(shared_start + "first-" + "x" * 30) == first


@pytest.mark.parametrize("wrong", ["", "mgu_samestart", "mgu_samestart" + "x" * 31, "somebody else's token"])
def test_the_lookup_by_prefix_finds_nothing_for_a_wrong_or_empty_token(wrong):
    api_token_row(UserFactory(), "mgu_samestart" + "x" * 30)

    assert by_prefix(wrong) is None


def test_the_lookup_by_hash_finds_the_row_of_the_token_and_none_for_others():
    team = Team.objects.create(name="band")
    token = new_token()
    invitation = Invitation.objects.create(team=team, token_hash=hash_token(token), token_hint=token_hint(token))
    Invitation.objects.create(team=team, token_hash=hash_token(new_token()), token_hint="other")

    assert row_for_token(Invitation.objects.all(), token) == invitation
    assert row_for_token(Invitation.objects.all(), token[:-1]) is None
    assert row_for_token(Invitation.objects.all(), "") is None
