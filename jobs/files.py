"""Signed, expiring URLs (plumbing/signed_urls.py) through which the generator fetches a job's reference
without a login.

Serving the files themselves (Range, S3 redirects) lives in plumbing/file_responses.py, which the
local generation service uses too.
"""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.urls import reverse

from plumbing import signed_urls
from plumbing.file_responses import storage_signs_urls

GENERATOR_URL_PURPOSE = "jobs.reference-for-generator"


def reference_url_for_generator(job, *, valid_for):
    """A URL the generator can fetch the job's reference from, without a login, for `valid_for`."""
    return stored_reference_url_for_generator(job.reference_track.name, valid_for=valid_for)


def stored_reference_url_for_generator(name: str, *, valid_for: timedelta) -> str:
    """A URL the generator can fetch the stored file `name` from, without a login, for `valid_for`."""
    if storage_signs_urls():
        return default_storage.url(name, expire=int(valid_for.total_seconds()))
    token = signed_urls.sign({"name": name}, purpose=GENERATOR_URL_PURPOSE, valid_for=valid_for)
    return settings.PUBLIC_BASE_URL + reverse("jobs:reference_for_generator", args=[token])


def reference_name_from_generator_token(token):
    """The storage name a generator token grants, or None when it is forged or expired."""
    grant = signed_urls.read(token, purpose=GENERATOR_URL_PURPOSE)
    return None if grant is None else grant["name"]
