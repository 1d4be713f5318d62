"""The new-song page's upload: a chosen file is stored once as the person's draft, and the form refers to it."""

import uuid
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from jobs.models import DraftReference, Job
from plumbing.uploads import UPLOAD_NAME_MAX_CHARS, upload_display_name
from tests.audio_samples import tone_wav
from tests.factories import DraftReferenceFactory
from tests.fake_upstream import FakeUpstream
from tests.file_server import closed_port
from tests.jobs.conftest import StepQueue
from tests.redis_server import broker_of_this_process

NEW = reverse("jobs:new")
DRAFTS = reverse("jobs:draft_create")
LYRICS = "Walking down the river\n\nSinging all night long"


def wav_upload(seconds, name="my demo.wav"):
    return SimpleUploadedFile(name, tone_wav(seconds), content_type="audio/wav")


def stored_files(folder="references"):
    _, names = default_storage.listdir(folder) if default_storage.exists(folder) else ([], [])
    return {f"{folder}/{name}" for name in names}


def analysis_url(draft):
    return reverse("jobs:draft_analysis", args=[draft.id])


def test_a_chosen_file_is_stored_once_as_one_draft_of_its_owner(owner_client, owner):
    before = stored_files()

    response = owner_client.post(DRAFTS, {"reference_track": wav_upload(16.0)})

    assert response.status_code == 201
    draft = DraftReference.objects.get()
    assert stored_files() - before == {draft.reference_track.name}
    assert (draft.owner, draft.reference_name, draft.reference_format) == (owner, "my demo.wav", "wav")
    assert draft.reference_duration == pytest.approx(16.0)
    assert draft.analysis_status == DraftReference.AnalysisStatus.PENDING


def test_a_drafts_name_keeps_to_the_upload_name_rule_of_a_direct_upload(owner_client):
    sent = "my   demo " + "a" * 200 + ".wav"
    owner_client.post(DRAFTS, {"reference_track": wav_upload(16.0, name=sent)})

    stored = DraftReference.objects.get().reference_name
    assert stored == upload_display_name(sent)
    assert stored.startswith("my demo a") and stored.endswith(".wav") and len(stored) == UPLOAD_NAME_MAX_CHARS


def test_a_draft_expires_after_the_configured_hours(owner_client, settings):
    settings.MUSICGEN_DRAFT_REFERENCE_HOURS = 3
    owner_client.post(DRAFTS, {"reference_track": wav_upload(16.0)})
    draft = DraftReference.objects.get()
    assert draft.expires_at - draft.created_at == timedelta(hours=3)


def test_the_draft_fragment_shows_the_measurement_the_draft_id_and_polls_for_the_analysis(owner_client):
    page = owner_client.post(DRAFTS, {"reference_track": wav_upload(16.0)}).content.decode()
    draft = DraftReference.objects.get()
    assert "16.0 s" in page and "WAV" in page and "22050 Hz" in page and "mono" in page
    assert f'name="draft_reference" value="{draft.id}"' in page
    assert f'hx-get="{analysis_url(draft)}"' in page


def test_the_analysis_is_asked_for_once_the_draft_is_committed(owner_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        owner_client.post(DRAFTS, {"reference_track": wav_upload(16.0)})
    assert len(on_commit) == 1


def test_the_upload_answers_without_calling_the_generator(owner_client, settings, django_capture_on_commit_callbacks):
    generator, unread_steps = FakeUpstream(), StepQueue(f"test-steps-{uuid.uuid4().hex}")
    settings.MUSICGEN_API_BASE_URL = generator.url
    settings.MUSICGEN_APP_QUEUE = unread_steps.name  # the analysis step is sent there, and not run
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = owner_client.post(DRAFTS, {"reference_track": wav_upload(16.0)})
        sent_steps = [step.task for step in unread_steps.steps()]
    finally:
        generator.close()
        unread_steps.clear()

    assert response.status_code == 201
    assert generator.requests == []
    assert sent_steps == ["analyze_draft"]  # the worker will ask the generator, later


def test_a_rejected_file_says_why_and_stores_nothing(owner_client):
    before = stored_files()
    response = owner_client.post(DRAFTS, {"reference_track": wav_upload(10.0)})
    assert response.status_code == 422
    assert "This file is 10.0 s long; the reference must be longer than 15 s." in response.content.decode()
    assert stored_files() == before
    assert not DraftReference.objects.exists()


@pytest.mark.django_db
def test_drafts_need_a_login_and_a_post(client, owner_client):
    assert client.post(DRAFTS).status_code == 302
    assert owner_client.get(DRAFTS).status_code == 405


def test_a_job_made_from_a_draft_uses_its_stored_file_and_the_draft_is_gone(
    owner_client, owner, django_capture_on_commit_callbacks
):
    owner_client.post(DRAFTS, {"reference_track": wav_upload(16.0)})
    draft = DraftReference.objects.get()
    after_upload = stored_files()

    with django_capture_on_commit_callbacks(execute=False):
        response = owner_client.post(NEW, {"prompt": LYRICS, "draft_reference": draft.id})

    job = Job.objects.get(owner=owner)
    assert response["Location"] == job.get_absolute_url()
    assert job.reference_track.name == draft.reference_track.name
    assert (job.reference_name, job.reference_duration) == ("my demo.wav", draft.reference_duration)
    assert stored_files() == after_upload  # no second file
    assert not DraftReference.objects.exists()


def test_a_draft_makes_one_job_only(owner_client, owner):
    draft = DraftReferenceFactory(owner=owner)
    owner_client.post(NEW, {"prompt": LYRICS, "draft_reference": draft.id})

    response = owner_client.post(NEW, {"prompt": LYRICS, "draft_reference": draft.id})

    assert "no longer on the server" in response.content.decode()
    assert Job.objects.count() == 1


def test_a_teammates_draft_is_refused_and_no_job_is_made(teammate_client, owner):
    draft = DraftReferenceFactory(owner=owner)

    response = teammate_client.post(NEW, {"prompt": LYRICS, "draft_reference": draft.id})

    assert response.status_code == 200
    assert "Choose the reference song again." in response.content.decode()
    assert not Job.objects.exists()
    assert DraftReference.objects.filter(id=draft.id).exists()


def test_an_expired_draft_is_refused_with_a_sentence(owner_client, owner):
    draft = DraftReferenceFactory(owner=owner, expires_at=timezone.now() - timedelta(minutes=1))

    response = owner_client.post(NEW, {"prompt": LYRICS, "draft_reference": draft.id})

    assert "was uploaded more than 24 hours ago and has been removed. Choose it again." in response.content.decode()
    assert not Job.objects.exists()


def test_the_page_keeps_the_draft_when_the_lyrics_are_refused(owner_client, owner):
    draft = DraftReferenceFactory(owner=owner)

    page = owner_client.post(NEW, {"prompt": "##\nOnly an intro marker", "draft_reference": draft.id}).content.decode()

    assert "## must stand at both the very start and the very end" in page
    assert f'name="draft_reference" value="{draft.id}"' in page
    assert "my draft.wav" in page


def test_without_javascript_the_form_still_uploads_the_file_itself(owner_client, owner):
    owner_client.post(NEW, {"prompt": LYRICS, "reference_track": wav_upload(16.0)})
    assert Job.objects.filter(owner=owner).exists()
    assert not DraftReference.objects.exists()


def test_the_analysis_fragment_polls_while_the_analysis_is_pending(owner_client, owner):
    draft = DraftReferenceFactory(owner=owner)
    page = owner_client.get(analysis_url(draft)).content.decode()
    assert "hx-get" in page and "The generator is listening" in page


def test_the_analysis_fragment_shows_what_the_generator_heard_and_stops_polling(owner_client, owner):
    heard = {"tempo": 92.4, "key": "B minor", "vocals_found": False}
    draft = DraftReferenceFactory(owner=owner, analysis_status="done", analysis=heard)
    page = owner_client.get(analysis_url(draft)).content.decode()
    assert "92 BPM" in page and "B minor" in page and "no singing voice" in page
    assert "hx-get" not in page


@pytest.mark.parametrize("status", ["unavailable", "failed"])
def test_the_analysis_fragment_shows_nothing_more_when_there_is_no_analysis(owner_client, owner, status):
    draft = DraftReferenceFactory(owner=owner, analysis_status=status)
    page = owner_client.get(analysis_url(draft)).content.decode()
    assert "hx-get" not in page and "BPM" not in page and "listening" not in page


def test_a_pending_analysis_past_its_deadline_stops_polling(owner_client, owner):
    draft = DraftReferenceFactory(owner=owner, analysis_deadline_at=timezone.now() - timedelta(seconds=1))
    assert "hx-get" not in owner_client.get(analysis_url(draft)).content.decode()


def test_a_teammates_draft_analysis_is_not_found(teammate_client, owner):
    draft = DraftReferenceFactory(owner=owner, analysis_status="done", analysis={"tempo": 92.4})
    assert teammate_client.get(analysis_url(draft)).status_code == 404


@pytest.fixture
def broker_unreachable():
    """This process's Celery app sends to a closed port, as when Redis is down; restored afterwards."""
    with broker_of_this_process(f"redis://127.0.0.1:{closed_port()}/0"):
        yield


def test_with_the_broker_down_the_draft_stands_and_shows_the_measurement_alone(
    owner_client, broker_unreachable, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(DRAFTS, {"reference_track": wav_upload(16.0)})

    assert response.status_code == 201
    draft = DraftReference.objects.get()
    assert draft.analysis_status == DraftReference.AnalysisStatus.UNAVAILABLE
    page = owner_client.get(analysis_url(draft)).content.decode()
    assert "hx-get" not in page and "listening" not in page
