"""Timed lyrics and stems on the job and share pages: .lrc, vocals, instrumental, sing along, and the
owner's switch that stops a share link offering the stems."""

import re

import pytest
from django.urls import reverse

from jobs import sharing
from tests.factories import JobFactory
from tests.web.job_data import LYRICS_TIMING, add_timing_and_stems, make_completed


@pytest.fixture
def timed_job(owner):
    return add_timing_and_stems(
        make_completed(JobFactory(owner=owner, prompt="Sunlight on the water\nShadows on the sand"))
    )


@pytest.fixture
def share_token(timed_job, owner):
    _, token = sharing.share_link_create(job=timed_job, created_by=owner)
    return token


def test_job_page_shows_each_sung_line_with_its_start_and_end(owner_client, timed_job):
    page = owner_client.get(reverse("jobs:detail", args=[timed_job.id])).content.decode()

    lines = re.findall(
        r'<li data-start="([\d.]+)" data-end="([\d.]+)"><button type="button" class="lyrics-line">([^<]+)<', page
    )
    assert [(float(start), float(end), text) for start, end, text in lines] == [
        (line["start"], line["end"], line["text"]) for line in LYRICS_TIMING
    ]
    assert "js/lyrics." in page


def test_job_page_offers_the_lrc_the_vocals_the_instrumental_and_sing_along(owner_client, timed_job):
    page = owner_client.get(reverse("jobs:detail", args=[timed_job.id])).content.decode()

    assert reverse("jobs:lyrics_lrc", args=[timed_job.id]) in page
    assert f"{reverse('jobs:stem_audio', args=[timed_job.id, 'vocals'])}?download" in page
    assert f"{reverse('jobs:stem_audio', args=[timed_job.id, 'instrumental'])}?download" in page
    assert f'data-instrumental-url="{reverse("jobs:stem_audio", args=[timed_job.id, "instrumental"])}"' in page
    assert "Sing along" in page


def test_a_song_without_timing_or_stems_shows_the_lyrics_as_typed_and_no_extras(owner_client, completed_job):
    page = owner_client.get(reverse("jobs:detail", args=[completed_job.id])).content.decode()

    assert '<pre class="lyrics">' in page
    assert "data-timed-lyrics" not in page
    assert ".lrc" not in page and "Download vocals" not in page and "Sing along" not in page


def test_lrc_has_a_time_tag_per_line_and_one_where_the_last_line_ends(owner_client, timed_job):
    response = owner_client.get(reverse("jobs:lyrics_lrc", args=[timed_job.id]))

    assert response.content.decode() == (
        "[ti:Sunlight on the water]\n[00:00.50]Sunlight on the water\n[00:01.75]Shadows on the sand\n[00:02.75]\n"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="Sunlight on the water.lrc"')


def test_lrc_minutes_count_past_an_hour_of_seconds(owner_client, timed_job):
    timed_job.lyrics_timing = [{"text": "Late", "start": 125.456, "end": 3725.0, "words": []}]
    timed_job.save()

    lrc = owner_client.get(reverse("jobs:lyrics_lrc", args=[timed_job.id])).content.decode()

    assert lrc.splitlines()[1:] == ["[02:05.46]Late", "[62:05.00]"]


def test_a_song_without_timing_has_no_lrc(owner_client, completed_job):
    assert owner_client.get(reverse("jobs:lyrics_lrc", args=[completed_job.id])).status_code == 404


@pytest.mark.parametrize("stem", ["vocals", "instrumental"])
def test_a_stem_plays_inline_and_downloads_as_an_attachment_named_after_the_song(owner_client, timed_job, stem):
    url = reverse("jobs:stem_audio", args=[timed_job.id, stem])

    played = owner_client.get(url, headers={"Range": "bytes=0-99"})
    kept = owner_client.get(url + "?download")

    assert played.status_code == 206 and played["Content-Type"] == "audio/mpeg"
    assert kept["Content-Disposition"].startswith(f'attachment; filename="Sunlight on the water ({stem}).mp3"')


def test_an_unknown_stem_or_a_song_without_stems_is_404(owner_client, timed_job, completed_job):
    assert owner_client.get(reverse("jobs:stem_audio", args=[timed_job.id, "drums"])).status_code == 404
    assert owner_client.get(reverse("jobs:stem_audio", args=[completed_job.id, "vocals"])).status_code == 404


def test_share_page_offers_the_same_to_whoever_has_the_link(client, share_token):
    page = client.get(reverse("jobs:shared_song", args=[share_token])).content.decode()

    assert "data-timed-lyrics" in page and "Sing along" in page
    assert reverse("jobs:shared_lyrics_lrc", args=[share_token]) in page
    for stem in ("vocals", "instrumental"):
        assert reverse("jobs:shared_stem_audio", args=[share_token, stem]) in page
        assert client.get(reverse("jobs:shared_stem_audio", args=[share_token, stem])).status_code == 200


def test_owner_stops_a_link_offering_the_stems_and_it_still_plays_the_song_with_timed_lyrics(
    owner_client, client, timed_job, share_token
):
    link = timed_job.share_links.get()

    response = owner_client.post(reverse("jobs:share_stems", args=[timed_job.id, link.id]), {"offers_stems": "off"})

    assert response.status_code == 302
    link.refresh_from_db()
    assert not link.offers_stems
    page = client.get(reverse("jobs:shared_song", args=[share_token])).content.decode()
    assert "Download vocals" not in page and "Sing along" not in page
    assert "data-timed-lyrics" in page
    assert client.get(reverse("jobs:shared_stem_audio", args=[share_token, "vocals"])).status_code == 404
    assert client.get(reverse("jobs:shared_lyrics_lrc", args=[share_token])).status_code == 200


def test_owner_offers_the_stems_again_from_the_share_list(owner_client, timed_job, share_token):
    link = timed_job.share_links.get()
    sharing.share_link_offer_stems(job=timed_job, link_id=link.id, offers_stems=False)
    share_list = owner_client.get(reverse("jobs:detail", args=[timed_job.id])).content.decode()
    assert "not offered" in share_list and ">Offer</button>" in share_list

    owner_client.post(reverse("jobs:share_stems", args=[timed_job.id, link.id]), {"offers_stems": "on"})

    link.refresh_from_db()
    assert link.offers_stems


def test_the_share_list_asks_nothing_about_stems_for_a_song_without_them(owner_client, completed_job, owner):
    sharing.share_link_create(job=completed_job, created_by=owner)

    page = owner_client.get(reverse("jobs:detail", args=[completed_job.id])).content.decode()

    assert reverse("jobs:share_revoke", args=[completed_job.id, completed_job.share_links.get().id]) in page
    assert "Stop offering" not in page


def test_a_teammate_cannot_change_what_a_link_offers(teammate_client, timed_job, share_token):
    link = timed_job.share_links.get()

    response = teammate_client.post(reverse("jobs:share_stems", args=[timed_job.id, link.id]), {"offers_stems": "off"})

    assert response.status_code == 403
    link.refresh_from_db()
    assert link.offers_stems
