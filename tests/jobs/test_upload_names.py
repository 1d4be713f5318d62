"""The name an uploaded reference is stored and shown under (plumbing/uploads.upload_display_name)."""

import pytest

from plumbing.uploads import UPLOAD_NAME_MAX_CHARS, upload_display_name


@pytest.mark.parametrize(
    "sent, stored",
    [
        ("my demo.wav", "my demo.wav"),
        ("../../etc/passwd.mp3", "passwd.mp3"),
        ("C:\\Users\\me\\song.wav", "song.wav"),
        ("so\x00ng.mp3", "song.mp3"),
        ("song\x07\x1b.wav", "song.wav"),
        ("song\u202egpj.mp3", "songgpj.mp3"),
        ("\u2066\u200fdemo\u2069\u200e.wav", "demo.wav"),
        ("caf\u00e9 \U0001f3b5.mp3", "caf\u00e9 \U0001f3b5.mp3"),
        ("..", "reference"),
        ("\x00\x00.wav", "reference.wav"),
    ],
)
def test_name_is_stripped_of_folders_and_invisible_characters(sent, stored):
    assert upload_display_name(sent) == stored


def test_long_name_is_cut_to_the_limit_keeping_its_extension():
    name = upload_display_name("a" * 300 + ".mp3")
    assert len(name) == UPLOAD_NAME_MAX_CHARS
    assert name == "a" * (UPLOAD_NAME_MAX_CHARS - 4) + ".mp3"


def test_an_absurdly_long_extension_is_cut_too():
    assert len(upload_display_name("song." + "x" * 300)) <= UPLOAD_NAME_MAX_CHARS
