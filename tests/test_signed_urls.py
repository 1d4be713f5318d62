"""Signed URL tokens (plumbing/signed_urls.py): read back within their lifetime and for their purpose only."""

from datetime import timedelta

from plumbing import signed_urls

HOUR = timedelta(hours=1)


def test_a_token_is_read_back_as_its_payload_within_its_lifetime():
    token = signed_urls.sign(["generation-1", "audio_file"], purpose="songs", valid_for=HOUR)

    assert signed_urls.read(token, purpose="songs") == ["generation-1", "audio_file"]


def test_an_expired_token_reads_as_none():
    token = signed_urls.sign({"name": "references/a.wav"}, purpose="references", valid_for=timedelta(seconds=-1))

    assert signed_urls.read(token, purpose="references") is None


def test_a_token_signed_for_another_purpose_reads_as_none():
    token = signed_urls.sign({"name": "references/a.wav"}, purpose="references", valid_for=HOUR)

    assert signed_urls.read(token, purpose="songs") is None


def test_a_changed_token_reads_as_none():
    token = signed_urls.sign({"name": "references/a.wav"}, purpose="references", valid_for=HOUR)
    payload, _, signature = token.rpartition(":")

    assert signed_urls.read(payload + ":" + signature[::-1], purpose="references") is None
    assert signed_urls.read("not a token", purpose="references") is None
