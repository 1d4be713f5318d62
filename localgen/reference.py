"""Fetching a generation's reference recording over HTTP(S) into a local file for the engine.

Whoever holds an API key chooses the URL, so the fetch goes to public addresses only (no way into
this machine or its private networks), except for the origins we trust: our own public base URL
(the app hands the generator its references from there), the S3 endpoint the app stores them in,
and LOCALGEN_ALLOWED_REFERENCE_ORIGINS.
"""

from typing import BinaryIO

from django.conf import settings

from plumbing.fetching import AddressNotAllowed, AddressPolicy, CouldNotDownload, FetchError, fetch_to_file, origin_of


class ReferenceUnavailable(Exception):
    """The reference could not be fetched; the message says why, for the person who sent it."""


def reference_address_policy() -> AddressPolicy:
    """The addresses a reference may come from, read from the settings at each call (tests change them)."""
    own_urls = [settings.PUBLIC_BASE_URL]
    storage_endpoint = settings.STORAGES["default"].get("OPTIONS", {}).get("endpoint_url")
    if storage_endpoint:
        own_urls.append(storage_endpoint)
    return AddressPolicy(allowed_origins=[*map(origin_of, own_urls), *settings.LOCALGEN_ALLOWED_REFERENCE_ORIGINS])


def reference_url_problem(url: str) -> str | None:
    """Why a reference URL will not be fetched (a sentence), or None when the fetch may be tried."""
    try:
        reference_address_policy().check_url(url)
    except AddressNotAllowed as exc:
        return exc.message
    except CouldNotDownload:
        return None  # a name that does not resolve now may by the time the render runs; the fetch will say
    return None


def fetch_reference(url: str, destination: BinaryIO) -> int:
    """Stream the reference at `url` into the open binary file `destination`; return the byte count."""
    try:
        written = fetch_to_file(
            url,
            destination,
            max_bytes=settings.LOCALGEN_REFERENCE_MAX_MB * 1_000_000,
            timeout_seconds=settings.LOCALGEN_FETCH_TIMEOUT,
            address_policy=reference_address_policy(),
        )
    except FetchError as exc:
        raise ReferenceUnavailable(f"The reference recording could not be fetched. {exc.message}") from None
    if written == 0:
        raise ReferenceUnavailable("The reference recording's URL answered with an empty file.")
    return written
