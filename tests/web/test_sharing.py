import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs import sharing, views
from jobs.models import ShareLink
from plumbing.tokens import hash_token
from tests.factories import JobFactory
from tests.web.conftest import logged_in

SHARE_URL = re.compile(r'value="(http://testserver/s/([A-Za-z0-9_-]+)/)"')


def create_link(client, job, expiry="30"):
    response = client.post(reverse("jobs:share_create", args=[job.id]), {"expiry": expiry})
    match = SHARE_URL.search(response.content.decode())
    return response, match.group(1), match.group(2)


def test_owner_creates_a_link_shown_once_as_an_absolute_url(owner_client, completed_job):
    response, share_url, token = create_link(owner_client, completed_job)
    assert response.status_code == 200
    assert share_url == f"http://testserver/s/{token}/"
    assert "shown only this once" in response.content.decode()
    assert token not in owner_client.get(reverse("jobs:detail", args=[completed_job.id])).content.decode()


def test_only_the_tokens_hash_and_hint_are_stored(owner_client, completed_job):
    _, _, token = create_link(owner_client, completed_job)
    link = ShareLink.objects.get()
    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    assert link.token_hash == hash_token(token)
    assert link.token_hint == token[:6]
    assert all(token not in str(value) for value in ShareLink.objects.values().get().values())


def test_expiry_choice_sets_when_the_link_stops_working(owner_client, completed_job):
    create_link(owner_client, completed_job, expiry="7")
    in_a_week = timezone.now() + timedelta(days=7)
    assert ShareLink.objects.get().expires_at == pytest.approx(in_a_week, abs=timedelta(minutes=1))
    ShareLink.objects.all().delete()
    create_link(owner_client, completed_job, expiry="never")
    assert ShareLink.objects.get().expires_at is None


def test_links_default_to_30_days(completed_job, owner):
    link, _ = sharing.share_link_create(job=completed_job, created_by=owner)
    assert link.expires_at == pytest.approx(timezone.now() + timedelta(days=30), abs=timedelta(minutes=1))


def test_htmx_create_answers_with_the_share_section_only(owner_client, completed_job):
    response = owner_client.post(
        reverse("jobs:share_create", args=[completed_job.id]), {"expiry": "1"}, headers={"HX-Request": "true"}
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="share"') and "<html" not in page


def test_unfinished_job_cannot_be_shared(owner_client, queued_job):
    response = owner_client.post(reverse("jobs:share_create", args=[queued_job.id]), {"expiry": "30"}, follow=True)
    assert "Only a finished song can be shared" in response.content.decode()
    assert not ShareLink.objects.exists()


def test_job_page_lists_links_by_hint_with_revoke(owner_client, completed_job, owner):
    link, _ = sharing.share_link_create(job=completed_job, created_by=owner)
    page = owner_client.get(reverse("jobs:detail", args=[completed_job.id])).content.decode()
    assert f"/s/{link.token_hint}…" in page
    assert reverse("jobs:share_revoke", args=[completed_job.id, link.id]) in page


@pytest.mark.django_db
def test_anyone_with_the_link_hears_and_downloads_the_song(client, completed_job, owner):
    _, token = sharing.share_link_create(job=completed_job, created_by=owner)
    page = client.get(reverse("jobs:shared_song", args=[token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sunlight on the water" in html and "We sing along" in html
    assert '<meta property="og:title" content="Sunlight on the water">' in html
    assert '<meta property="og:type" content="music.song">' in html
    assert f'<meta property="og:audio" content="http://testserver/s/{token}/audio/">' in html
    assert "Generated on" in html
    audio = client.get(reverse("jobs:shared_song_audio", args=[token]), headers={"Range": "bytes=0-9"})
    assert audio.status_code == 206 and audio["Content-Range"].startswith("bytes 0-9/")
    download = client.get(reverse("jobs:shared_song_download", args=[token]))
    assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_expired_link_is_404_with_a_friendly_page(client, completed_job, owner):
    link, token = sharing.share_link_create(job=completed_job, created_by=owner, expiry="1")
    ShareLink.objects.filter(id=link.id).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("jobs:shared_song", args=[token]))
    assert response.status_code == 404
    assert "stops working when it expires" in response.content.decode()
    assert client.get(reverse("jobs:shared_song_audio", args=[token])).status_code == 404


@pytest.mark.django_db
def test_unknown_link_is_404(client):
    assert client.get(reverse("jobs:shared_song", args=["not-a-real-token"])).status_code == 404


def test_owner_revokes_a_link_and_it_stops_working(owner_client, completed_job, owner, client):
    link, token = sharing.share_link_create(job=completed_job, created_by=owner)
    response = owner_client.post(reverse("jobs:share_revoke", args=[completed_job.id, link.id]))
    assert response["Location"] == completed_job.get_absolute_url()
    assert not ShareLink.objects.exists()
    assert client.get(reverse("jobs:shared_song", args=[token])).status_code == 404
    assert client.get(reverse("jobs:shared_song_audio", args=[token])).status_code == 404


@pytest.mark.parametrize("person, status", [("outsider", 404), ("teammate", 403)])
def test_only_the_owner_or_a_team_admin_can_revoke_a_link(completed_job, owner, person, status, request):
    link, _ = sharing.share_link_create(job=completed_job, created_by=owner)
    client = logged_in(request.getfixturevalue(person))
    response = client.post(reverse("jobs:share_revoke", args=[completed_job.id, link.id]))
    assert response.status_code == status
    assert ShareLink.objects.filter(id=link.id).exists()


def test_a_teammate_shares_the_teams_song(teammate_client, completed_job):
    response = teammate_client.post(reverse("jobs:share_create", args=[completed_job.id]), {"expiry": "7"})
    assert response.status_code == 200
    assert ShareLink.objects.filter(job=completed_job).count() == 1


def test_a_link_cannot_be_revoked_through_another_of_the_owners_jobs(owner_client, completed_job, owner):
    link, _ = sharing.share_link_create(job=completed_job, created_by=owner)
    other_job = JobFactory(owner=owner)
    assert owner_client.post(reverse("jobs:share_revoke", args=[other_job.id, link.id])).status_code == 404
    assert ShareLink.objects.filter(id=link.id).exists()


@pytest.mark.django_db
def test_share_views_answer_429_after_too_many_requests_from_one_address(client, completed_job, owner):
    _, token = sharing.share_link_create(job=completed_job, created_by=owner)
    page = reverse("jobs:shared_song", args=[token])
    for _ in range(views.SHARE_REQUESTS_PER_MINUTE):
        assert client.get(page).status_code == 200
    response = client.get(page)
    assert response.status_code == 429
    assert "Wait a minute" in response.content.decode()
    other_address = client.get(page, REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 200


def test_unknown_expiry_is_refused(owner_client, completed_job):
    response = owner_client.post(reverse("jobs:share_create", args=[completed_job.id]), {"expiry": "999"}, follow=True)
    assert "Choose how long the link should work" in response.content.decode()
    assert not ShareLink.objects.exists()
