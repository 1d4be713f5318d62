"""Versions on the pages: asked for on the new-song form, side by side on the job page, the pick in the history."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from tests.factories import DraftReferenceFactory, JobFactory
from tests.web.job_data import create_many_jobs, make_completed, make_versions
from tests.web.test_new_job import stored_references, wav_upload

NEW = reverse("jobs:new")
HISTORY = reverse("jobs:history")
LYRICS = "Walking down the river\nSinging all night long"


def pick(client, job):
    return client.post(reverse("jobs:pick", args=[job.id]))


def test_the_form_offers_one_to_the_maximum_of_versions_one_by_default(owner_client, settings):
    settings.MUSICGEN_MAX_VERSIONS = 3
    page = owner_client.get(NEW).content.decode()
    assert '<option value="1">1 version</option>' in page
    assert '<option value="3">3 versions</option>' in page and "4 versions" not in page


def test_two_versions_from_one_upload_store_the_reference_once_and_open_the_first(owner_client, owner):
    before = stored_references()
    response = owner_client.post(NEW, {"prompt": LYRICS, "reference_track": wav_upload(16.0), "versions": "2"})
    first, second = Job.objects.filter(owner=owner).order_by("version_number")
    assert response["Location"] == first.get_absolute_url()
    assert (first.version_number, second.version_number) == (1, 2) and first.version_group == second.version_group
    assert first.reference_track.name == second.reference_track.name
    assert len(stored_references()) == len(before) + 1


def test_versions_of_a_draft_use_the_drafts_stored_file(owner_client, owner):
    draft = DraftReferenceFactory(owner=owner)
    owner_client.post(NEW, {"prompt": LYRICS, "draft_reference": draft.id, "versions": "3"})
    assert list(Job.objects.values_list("reference_track", flat=True)) == [draft.reference_track.name] * 3


def test_more_versions_than_the_maximum_are_refused_with_a_sentence_and_the_lyrics_kept(owner_client, settings):
    settings.MUSICGEN_MAX_VERSIONS = 2
    before = stored_references()
    page = owner_client.post(NEW, {"prompt": LYRICS, "reference_track": wav_upload(16.0), "versions": "3"})
    assert "Ask for 1 to 2 versions of the song." in page.content.decode()
    assert "Walking down the river" in page.content.decode()
    assert not Job.objects.exists() and stored_references() == before


def test_versions_that_would_pass_the_hourly_limit_are_refused_whole(owner_client, owner, settings):
    settings.MUSICGEN_JOBS_PER_HOUR = 3
    JobFactory(owner=owner, created_at=timezone.now() - timedelta(minutes=20))
    page = owner_client.post(NEW, {"prompt": LYRICS, "reference_track": wav_upload(16.0), "versions": "3"})
    assert "so 3 versions do not fit; ask for fewer versions, or start these in 40 minutes" in page.content.decode()
    assert Job.objects.count() == 1


def test_the_job_page_shows_every_version_side_by_side_with_its_player(owner_client, owner):
    first, second, third = make_versions(owner, statuses=("completed", "completed", "generating"))
    page = owner_client.get(first.get_absolute_url()).content.decode()
    assert "3 versions" in page
    assert 'id="version-1-waveform"' in page and 'id="version-2-waveform"' in page
    assert 'id="version-1-song-peaks"' in page and 'id="version-2-song"' in page
    assert 'id="version-3-waveform"' not in page and "Version 3 is being made" in page
    assert 'id="waveform"' not in page  # the page's own song plays in its card, not twice
    assert f'href="{second.get_absolute_url()}">Version 2</a>' in page
    assert f'hx-get="{reverse("jobs:version_card", args=[third.id])}"' in page  # a moving sibling polls its card


def test_the_owner_may_pick_a_finished_version_and_a_teammate_sees_the_pick(owner_client, teammate_client, owner):
    first, second = make_versions(owner)
    assert "Pick version 2" in owner_client.get(first.get_absolute_url()).content.decode()
    response = pick(owner_client, second)
    assert response["Location"] == second.get_absolute_url()
    assert Job.objects.get(is_pick=True) == second
    seen = teammate_client.get(first.get_absolute_url()).content.decode()
    assert "★ The pick" in seen and "Pick version" not in seen


def test_a_teammate_cannot_pick(teammate_client, owner):
    _, second = make_versions(owner)
    assert pick(teammate_client, second).status_code == 403
    assert not Job.objects.filter(is_pick=True).exists()


def test_a_team_admin_may_pick(team_admin_client, owner):
    first, _ = make_versions(owner)
    pick(team_admin_client, first)
    assert Job.objects.get(is_pick=True) == first


def test_picking_a_version_still_being_made_says_why(owner_client, owner):
    _, moving = make_versions(owner, statuses=("completed", "generating"))
    response = owner_client.post(reverse("jobs:pick", args=[moving.id]), follow=True)
    assert "Only a finished version can be the pick; this one is generating." in response.content.decode()
    assert not Job.objects.filter(is_pick=True).exists()


def test_a_version_card_polls_while_moving_and_shows_its_player_once_finished(owner_client, owner):
    _, moving = make_versions(owner, statuses=("completed", "generating"))
    card_url = reverse("jobs:version_card", args=[moving.id])
    assert f'hx-get="{card_url}"' in owner_client.get(card_url).content.decode()
    make_completed(moving)
    card = owner_client.get(card_url).content.decode()
    assert "hx-get" not in card and 'id="version-2-waveform"' in card and "Pick version 2" in card


@pytest.mark.parametrize("picked", [1, 2])
def test_the_history_lists_a_groups_pick_first(owner_client, owner, picked):
    versions = make_versions(owner, prompt="Version song")
    pick(owner_client, versions[picked - 1])
    page = owner_client.get(HISTORY).content.decode()
    marks = [f"· version {number}</small>" for number in (1, 2)]
    picked_mark, other_mark = marks[picked - 1], marks[2 - picked]
    assert page.index(picked_mark) < page.index("★ The pick") < page.index(other_mark)


def test_history_queries_do_not_grow_with_versions(owner_client, owner, django_assert_max_num_queries):
    create_many_jobs(owner, 100)
    for _ in range(10):
        make_versions(owner, statuses=("completed", "failed", "queued"))
    with django_assert_max_num_queries(4):  # session, user, the person's teams, one page of jobs with the count
        response = owner_client.get(HISTORY)
    assert "130 songs" in response.content.decode()


def test_deleting_a_version_says_the_others_and_their_reference_stay(owner_client, owner):
    first, second = make_versions(owner)
    page = owner_client.get(reverse("jobs:delete", args=[second.id])).content.decode()
    assert "This is version 2; the other versions stay, and so does the reference while one of them uses it." in page
