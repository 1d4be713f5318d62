"""A draft's analysis across every real part: the web app stores the upload, the app worker asks the
local service over HTTP, the engine worker fetches the draft's file through its signed link and
measures it, and the app worker brings the answer back to the draft. No web request waits on any of it.
"""

import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from jobs.models import DraftReference
from localgen.keys import generation_key_create
from localgen.models import Analysis
from tests.audio_samples import REFERENCE_SONG
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANALYSIS_TIMEOUT_SECONDS = 180


def wait_until_analysis_is_over(draft):
    deadline = time.monotonic() + ANALYSIS_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        draft.refresh_from_db()
        if draft.analysis_status != DraftReference.AnalysisStatus.PENDING:
            return draft
        time.sleep(0.5)
    raise AssertionError(f"the draft's analysis was still pending after {ANALYSIS_TIMEOUT_SECONDS} s")


def test_a_drafts_analysis_comes_back_from_the_engine_worker(celery_workers):
    generation_key_create(name="app", plaintext=settings.MUSICGEN_API_KEY)
    client = Client()
    client.force_login(UserFactory(username="drafter"))
    upload = SimpleUploadedFile(REFERENCE_SONG.name, REFERENCE_SONG.read_bytes(), content_type="audio/mpeg")

    response = client.post(reverse("jobs:draft_create"), {"reference_track": upload})

    assert response.status_code == 201
    draft = wait_until_analysis_is_over(DraftReference.objects.get())
    assert draft.analysis_status == DraftReference.AnalysisStatus.DONE
    assert 60 <= draft.analysis["tempo"] <= 200
    assert Analysis.objects.get(id=draft.analysis_id).status == "completed"
    fragment = client.get(reverse("jobs:draft_analysis", args=[draft.id])).content.decode()
    assert "BPM" in fragment and "hx-get" not in fragment
