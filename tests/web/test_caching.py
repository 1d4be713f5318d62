"""Songs, references and share pages are never kept by a shared cache or on the browser's disk."""

import pytest
from django.urls import reverse

from jobs import sharing

NOT_STORED = {"private", "no-store"}
OWNER_VIEWS = ["jobs:song_audio", "jobs:song_download", "jobs:reference_audio"]
SHARE_VIEWS = ["jobs:shared_song", "jobs:shared_song_audio", "jobs:shared_song_download"]


def cache_directives(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.mark.parametrize("view", OWNER_VIEWS)
def test_the_owners_audio_is_private_and_not_stored(owner_client, completed_job, view):
    response = owner_client.get(reverse(view, args=[completed_job.id]))
    assert response.status_code in (200, 302)  # 302: the presigned S3 URL, which carries the header too
    assert cache_directives(response) == NOT_STORED


@pytest.mark.parametrize("view", SHARE_VIEWS)
def test_share_page_and_its_audio_are_private_and_not_stored(client, completed_job, owner, view):
    _, token = sharing.share_link_create(job=completed_job, created_by=owner)
    response = client.get(reverse(view, args=[token]))
    assert response.status_code in (200, 302)
    assert cache_directives(response) == NOT_STORED
