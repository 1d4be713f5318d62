from localgen.keys import generation_key_create, generation_key_for
from localgen.models import GenerationKey
from plumbing.tokens import hash_token


def test_a_new_key_is_stored_only_as_prefix_and_hash(db):
    key, plaintext = generation_key_create(name="app")

    stored = GenerationKey.objects.values().get(id=key.id)
    assert plaintext not in str(stored)
    assert stored["key_hash"] == hash_token(plaintext)
    assert plaintext.startswith(stored["prefix"])


def test_a_key_is_found_by_its_plaintext(db):
    key, plaintext = generation_key_create(name="app")

    assert generation_key_for(plaintext) == key


def test_a_key_with_the_right_prefix_but_wrong_secret_is_not_found(db):
    _, plaintext = generation_key_create(name="app")

    assert generation_key_for(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None


def test_a_known_plaintext_can_be_installed(db):
    key, plaintext = generation_key_create(name="app", plaintext="mg_test_app_key_for_the_local_service")

    assert plaintext == "mg_test_app_key_for_the_local_service"
    assert generation_key_for(plaintext) == key
