"""Fetching a generation's reference recording over HTTP(S) into a local file for the engine."""

from urllib.parse import urlsplit

import requests
from django.conf import settings

CHUNK_SIZE = 64 * 1024


class ReferenceUnavailable(Exception):
    """The reference could not be fetched; the message says why, for the person who sent it."""


def fetch_reference(url, destination):
    """Stream the reference at `url` into the open binary file `destination`; return the byte count."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise ReferenceUnavailable("The reference_audio_url must be an http or https URL.")
    max_bytes = settings.LOCALGEN_REFERENCE_MAX_MB * 1_000_000
    too_big = ReferenceUnavailable(
        f"The reference recording is larger than {settings.LOCALGEN_REFERENCE_MAX_MB} MB; send a shorter "
        "or more compressed file (an MP3 of a few minutes is plenty)."
    )
    try:
        with requests.get(url, stream=True, timeout=settings.LOCALGEN_FETCH_TIMEOUT) as response:
            if response.status_code != 200:
                raise ReferenceUnavailable(
                    f"The reference recording could not be downloaded: its URL answered HTTP "
                    f"{response.status_code}. Check that the URL is public and has not expired."
                )
            announced = response.headers.get("Content-Length", "")
            if announced.isdigit() and int(announced) > max_bytes:
                raise too_big
            written = 0
            for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
                written += len(chunk)
                if written > max_bytes:
                    raise too_big
                destination.write(chunk)
    except requests.Timeout:
        raise ReferenceUnavailable(
            f"The reference recording's URL did not answer within {settings.LOCALGEN_FETCH_TIMEOUT} seconds; "
            "try again later or host the file elsewhere."
        ) from None
    except requests.RequestException:
        raise ReferenceUnavailable(
            "The reference recording's URL could not be reached (the connection failed); check the URL."
        ) from None
    if written == 0:
        raise ReferenceUnavailable("The reference recording's URL answered with an empty file.")
    return written
