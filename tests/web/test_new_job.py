import io
import os
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import Job
from teams.models import Team
from tests.audio_samples import SHORT_SUNG_CLIP, tone_wav
from tests.factories import JobFactory

NEW = reverse("jobs:new")
LYRICS = "##\nWalking down the river\n\nSinging all night long\n##"


def wav_upload(seconds, name="reference.wav"):
    return SimpleUploadedFile(name, tone_wav(seconds), content_type="audio/wav")


def zip_named_mp3():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("song.txt", "not music")
    return SimpleUploadedFile("song.mp3", archive.getvalue(), content_type="audio/mpeg")


def stored_references():
    root = default_storage.path("references")
    return sorted(os.listdir(root)) if os.path.isdir(root) else []


@pytest.mark.django_db
def test_new_song_page_asks_anonymous_people_to_log_in(client):
    assert client.get(NEW).status_code == 302


def test_new_song_page_has_the_lyrics_and_reference_fields(owner_client):
    page = owner_client.get(NEW).content.decode()
    assert 'name="prompt"' in page and 'name="reference_track"' in page
    assert 'enctype="multipart/form-data"' in page


def test_upload_shorter_than_15_seconds_is_rejected_with_measured_duration(owner_client, owner):
    before = stored_references()
    response = owner_client.post(NEW, {"prompt": LYRICS, "reference_track": wav_upload(10.0)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "This file is 10.0 s long; the reference must be longer than 15 s." in page
    assert "Walking down the river" in page  # the lyrics are kept
    assert not Job.objects.filter(owner=owner).exists()
    assert stored_references() == before


def test_real_short_sung_clip_is_rejected_with_its_duration(owner_client):
    with open(SHORT_SUNG_CLIP, "rb") as clip:
        response = owner_client.post(NEW, {"prompt": LYRICS, "reference_track": clip})
    assert "This file is 10.0 s long" in response.content.decode()


def test_zip_renamed_mp3_is_rejected_as_a_zip_archive(owner_client, owner):
    response = owner_client.post(NEW, {"prompt": LYRICS, "reference_track": zip_named_mp3()})
    assert "This looks like a ZIP archive, not a WAV or MP3." in response.content.decode()
    assert not Job.objects.filter(owner=owner).exists()


def test_lyrics_breaking_a_rule_are_rejected_with_the_rule_and_kept(owner_client, owner):
    response = owner_client.post(NEW, {"prompt": "##\nOnly an intro marker", "reference_track": wav_upload(16.0)})
    page = response.content.decode()
    assert "## must stand at both the very start and the very end" in page
    assert "Only an intro marker" in page
    assert not Job.objects.filter(owner=owner).exists()


def test_missing_reference_is_asked_for(owner_client):
    response = owner_client.post(NEW, {"prompt": LYRICS})
    assert "Choose a reference song" in response.content.decode()


def test_valid_16_second_wav_creates_a_queued_job_and_opens_its_page(
    owner_client, owner, django_capture_on_commit_callbacks
):
    # The submit task is sent on commit; capturing (not running) it keeps this test free of workers.
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        response = owner_client.post(NEW, {"prompt": LYRICS, "reference_track": wav_upload(16.0, "my demo.wav")})
    assert len(on_commit) == 1
    job = Job.objects.get(owner=owner)
    assert response.status_code == 302
    assert response["Location"] == job.get_absolute_url()
    assert job.status == Job.Status.QUEUED
    assert job.prompt == LYRICS
    assert job.reference_name == "my demo.wav"
    assert job.reference_duration == pytest.approx(16.0)
    assert default_storage.exists(job.reference_track.name)


def test_htmx_submit_is_sent_to_the_job_page_with_a_full_load(owner_client, owner):
    response = owner_client.post(
        NEW, {"prompt": LYRICS, "reference_track": wav_upload(16.0)}, headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == Job.objects.get(owner=owner).get_absolute_url()


def test_from_an_earlier_job_prefills_its_lyrics_and_offers_its_reference(owner_client, owner):
    earlier = JobFactory(owner=owner, prompt="Again and again")
    page = owner_client.get(NEW, {"from": earlier.id}).content.decode()
    assert "Again and again</textarea>" in page
    assert "Use the same reference again (my reference.wav)" in page
    assert reverse("jobs:reference_audio", args=[earlier.id]) in page


def test_reusing_the_earlier_reference_creates_a_job_with_a_copy_of_it(owner_client, owner):
    earlier = JobFactory(owner=owner)
    reuse = {"reuse_reference_of": earlier.id, "reuse_reference": "on"}
    response = owner_client.post(NEW, {"prompt": "New words", **reuse})
    job = Job.objects.exclude(id=earlier.id).get(owner=owner)
    assert response["Location"] == job.get_absolute_url()
    assert job.reference_name == earlier.reference_name
    assert job.reference_track.name != earlier.reference_track.name
    assert job.reference_track.read() == earlier.reference_track.read()


def test_another_teams_job_cannot_be_used_as_a_starting_point(outsider_client, queued_job):
    page = outsider_client.get(NEW, {"from": queued_job.id}).content.decode()
    assert queued_job.prompt not in page
    reuse = {"reuse_reference_of": queued_job.id, "reuse_reference": "on"}
    response = outsider_client.post(NEW, {"prompt": "Mine", **reuse})
    assert "Choose a reference song" in response.content.decode()
    assert Job.objects.count() == 1


def test_a_teammate_starts_a_new_song_from_the_owners_job_reference_included(teammate_client, teammate, queued_job):
    assert queued_job.prompt.splitlines()[0] in teammate_client.get(NEW, {"from": queued_job.id}).content.decode()
    reuse = {"reuse_reference_of": queued_job.id, "reuse_reference": "on", "team": queued_job.team_id}
    teammate_client.post(NEW, {"prompt": "Our new verse", **reuse})
    job = Job.objects.get(owner=teammate)
    assert job.reference_track.read() == queued_job.reference_track.read()
    assert job.team_id == queued_job.team_id


def test_new_song_goes_to_the_chosen_team(teammate_client, teammate, owner):
    shared = Team.objects.get(name="owner")
    teammate_client.post(NEW, {"prompt": LYRICS, "reference_track": wav_upload(16.0), "team": shared.id})
    assert Job.objects.get(owner=teammate).team == shared


def test_a_team_the_person_is_not_in_is_refused(outsider_client, outsider, owner):
    response = outsider_client.post(
        NEW, {"prompt": LYRICS, "reference_track": wav_upload(16.0), "team": Team.objects.get(name="owner").id}
    )
    assert "You are not in a team of that id or name" in response.content.decode()
    assert not Job.objects.exists()


def test_the_team_defaults_to_the_one_of_the_persons_latest_song(teammate_client, teammate):
    shared = Team.objects.get(name="owner")
    JobFactory(owner=teammate, team=shared)
    page = teammate_client.get(NEW).content.decode()
    assert f'<option value="{shared.id}" selected>' in page
