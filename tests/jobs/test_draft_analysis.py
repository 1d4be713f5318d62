"""How a draft reference's analysis moves, against a scripted music API over real HTTP.

Each step is run the way the app worker runs it; the steps it schedules land in a Redis queue no
worker reads. The whole path through the real workers and the local service is in
tests/localgen/test_analysis_end_to_end.py.
"""

import json
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from jobs import drafts
from jobs.files import reference_name_from_generator_token
from jobs.models import DraftReference, Job
from tests.factories import DraftReferenceFactory, personal_team_of
from tests.fake_upstream import Answer, analysis

A = DraftReference.AnalysisStatus
HEARD = {"duration": 16.0, "tempo": 92.4, "key": "B minor", "vocals_found": False}


@pytest.fixture
def draft(db):
    return DraftReferenceFactory()


def refreshed(draft):
    draft.refresh_from_db()
    return draft


def test_the_first_step_asks_the_generator_with_a_fetchable_url_of_the_drafts_file(upstream, step_queue, draft):
    upstream.post_answers = [Answer(201, {"id": "analysis-7", "status": "queued"})]

    drafts.analysis_step(draft.id, 0)

    ((method, path, headers, body),) = upstream.posts()
    assert path == "/v2/analyze/audio"
    assert headers["Authorization"] == "Bearer test-key"
    token = json.loads(body)["reference_audio_url"].rsplit("/files/reference/", 1)[1].strip("/")
    assert reference_name_from_generator_token(token) == draft.reference_track.name
    assert refreshed(draft).analysis_id == "analysis-7"
    step = step_queue.last()
    assert (step.task, step.args) == ("analyze_draft", [str(draft.id), 1])


def test_the_hosted_api_without_an_analysis_makes_it_unavailable(upstream, step_queue, draft):
    upstream.post_answers = [Answer(404, {"error": "Not found"})]

    drafts.analysis_step(draft.id, 0)

    assert refreshed(draft).analysis_status == A.UNAVAILABLE
    assert step_queue.steps() == []


def test_a_working_analysis_is_asked_again_later(upstream, step_queue, draft):
    DraftReference.objects.filter(id=draft.id).update(analysis_id="analysis-1", analysis_polls=3)
    upstream.get_answers = [analysis("analyzing")]

    drafts.analysis_step(draft.id, 3)

    assert refreshed(draft).analysis_status == A.PENDING
    step = step_queue.last()
    assert (step.task, step.args) == ("analyze_draft", [str(draft.id), 4])
    assert step.countdown == pytest.approx(drafts.ANALYSIS_POLL_MAX_DELAY, abs=1)


def test_a_completed_analysis_is_kept_on_the_draft(upstream, step_queue, draft):
    DraftReference.objects.filter(id=draft.id).update(analysis_id="analysis-1", analysis_polls=1)
    upstream.get_answers = [analysis("completed", heard=HEARD)]

    drafts.analysis_step(draft.id, 1)

    draft = refreshed(draft)
    assert (draft.analysis_status, draft.analysis) == (A.DONE, HEARD)
    assert step_queue.steps() == []


def test_an_analysis_the_generator_could_not_make_fails(upstream, step_queue, draft):
    DraftReference.objects.filter(id=draft.id).update(analysis_id="analysis-1", analysis_polls=1)
    upstream.get_answers = [analysis("error", error="The reference recording's URL answered HTTP 404.")]

    drafts.analysis_step(draft.id, 1)

    assert refreshed(draft).analysis_status == A.FAILED


def test_a_generator_that_is_down_is_asked_again_later(upstream, step_queue, draft):
    upstream.post_answers = [Answer(503, {"error": "busy"})]

    drafts.analysis_step(draft.id, 0)

    assert refreshed(draft).analysis_status == A.PENDING
    assert step_queue.last().args == [str(draft.id), 1]


def test_a_duplicate_step_asks_nothing(upstream, step_queue, draft):
    drafts.analysis_step(draft.id, 0)
    drafts.analysis_step(draft.id, 0)

    assert len(upstream.posts()) == 1


def test_an_analysis_past_its_deadline_fails_without_asking(upstream, step_queue, draft):
    DraftReference.objects.filter(id=draft.id).update(analysis_deadline_at=timezone.now() - timedelta(seconds=1))

    drafts.analysis_step(draft.id, 0)

    assert refreshed(draft).analysis_status == A.FAILED
    assert upstream.requests == []


def test_the_sweeper_deletes_expired_drafts_and_their_files(db):
    expired = DraftReferenceFactory(expires_at=timezone.now() - timedelta(minutes=1))
    fresh = DraftReferenceFactory()

    assert drafts.drafts_sweep() == 1

    assert not DraftReference.objects.filter(id=expired.id).exists()
    assert not default_storage.exists(expired.reference_track.name)
    assert DraftReference.objects.filter(id=fresh.id).exists()
    assert default_storage.exists(fresh.reference_track.name)


def test_the_sweeper_leaves_the_file_of_a_job_made_from_a_draft(db):
    draft = DraftReferenceFactory()
    job = drafts.job_create_from_draft(draft=draft, team=personal_team_of(draft.owner), prompt="One line")
    DraftReference.objects.filter(id=draft.id).update(expires_at=timezone.now() - timedelta(minutes=1))

    drafts.drafts_sweep()

    assert default_storage.exists(job.reference_track.name)


def test_a_draft_taken_by_the_sweeper_makes_no_job(db):
    draft = DraftReferenceFactory(expires_at=timezone.now() - timedelta(minutes=1))

    with pytest.raises(drafts.DraftUnavailable):
        drafts.job_create_from_draft(draft=draft, team=personal_team_of(draft.owner), prompt="One line")

    assert not Job.objects.exists()


def test_a_step_for_a_draft_deleted_meanwhile_does_nothing(upstream, step_queue, draft):
    DraftReference.objects.filter(id=draft.id).delete()

    drafts.analysis_step(draft.id, 0)

    assert upstream.requests == [] and step_queue.steps() == []
