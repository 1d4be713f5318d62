import pytest
from django.conf import settings

from localgen.keys import generation_key_create


@pytest.fixture
def app_key(db):
    """The key the app's settings send (tests/settings.py): (row, plaintext)."""
    return generation_key_create(name="app", plaintext=settings.MUSICGEN_API_KEY)


@pytest.fixture
def other_key(db):
    return generation_key_create(name="someone else")


def bearer(plaintext):
    return {"Authorization": f"Bearer {plaintext}"}
