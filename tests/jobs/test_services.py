"""The services pages, API and commands share (jobs/services.py, jobs/sharing.py) and the lookups that
decide who may act (jobs/selectors.py, teams/selectors.py), on the real database."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from jobs import selectors, services, sharing
from jobs.audio import measure_reference
from jobs.drafts import DraftUnavailable
from jobs.models import DraftReference, Job, ShareLink
from teams.selectors import team_of
from teams.services import team_add
from tests.audio_samples import tone_wav
from tests.factories import DraftReferenceFactory, JobFactory, UserFactory, personal_team_of
from tests.web.job_data import make_completed

LYRICS = "Walking down the river\nSinging all night long"
REFERENCE_MODEL = "minimax-music"
NO_REFERENCE_MODEL = "minimax/music-2.6"


def upload(seconds=16.0, name="demo.wav"):
    file = SimpleUploadedFile(name, tone_wav(seconds))
    info = measure_reference(file)
    file.seek(0)
    return services.MeasuredReference(file, info)


def start(owner, **reference):
    return services.song_start(
        owner=owner, team=personal_team_of(owner), model=REFERENCE_MODEL, prompt=LYRICS, **reference
    )


# --- song_start: which reference ------------------------------------------------------------------


def test_a_song_from_an_upload_stores_it_once_for_all_its_versions(db):
    first = start(UserFactory(), upload=upload(name="my demo.wav"), versions=2)
    versions = Job.objects.filter(version_group=first.version_group)
    assert versions.count() == 2 and {job.status for job in versions} == {Job.Status.QUEUED}
    assert {job.reference_track.name for job in versions} == {first.reference_track.name}
    assert first.reference_name == "my demo.wav" and default_storage.exists(first.reference_track.name)


def test_a_song_from_a_draft_takes_over_its_stored_file_and_removes_the_draft(db):
    draft = DraftReferenceFactory()
    job = start(draft.owner, draft=draft)
    assert job.reference_track.name == draft.reference_track.name
    assert not DraftReference.objects.exists()


def test_an_upload_wins_over_a_draft_sent_with_it_and_the_draft_stays(db):
    draft = DraftReferenceFactory()
    job = start(draft.owner, upload=upload(), draft=draft)
    assert job.reference_track.name != draft.reference_track.name
    assert DraftReference.objects.filter(id=draft.id).exists()


def test_someone_elses_draft_is_refused_and_left_alone(db):
    draft = DraftReferenceFactory()
    with pytest.raises(DraftUnavailable, match="no longer on the server"):
        start(UserFactory(), draft=draft)
    assert DraftReference.objects.filter(id=draft.id).exists() and not Job.objects.exists()


def test_a_draft_used_already_is_refused(db):
    draft = DraftReferenceFactory()
    start(draft.owner, draft=draft)
    with pytest.raises(DraftUnavailable, match="already used for a song"):
        start(draft.owner, draft=draft)


def test_reusing_an_earlier_reference_stores_a_copy_under_its_first_name(db):
    earlier = JobFactory()
    job = start(earlier.owner, reuse_reference_of=earlier)
    assert job.reference_track.name != earlier.reference_track.name
    assert job.reference_track.read() == earlier.reference_track.read()
    assert job.reference_name == earlier.reference_name


def test_an_earlier_reference_the_model_cannot_use_is_refused_with_the_measured_reason(db):
    earlier = JobFactory(reference_track=ContentFile(tone_wav(10.0), name="reference.wav"))
    with pytest.raises(services.EarlierReferenceUnusable, match=r"cannot be used again: .*10\.0 s long"):
        start(earlier.owner, reuse_reference_of=earlier)
    assert Job.objects.count() == 1


def test_without_any_reference_the_song_has_none(db):
    owner = UserFactory()
    job = services.song_start(owner=owner, team=personal_team_of(owner), model=NO_REFERENCE_MODEL, prompt=LYRICS)
    assert not job.reference_track and job.status == Job.Status.QUEUED


# --- cancel, retry, delete ------------------------------------------------------------------------


def test_cancel_moves_a_queued_job_and_refreshes_it(db):
    job = JobFactory()
    services.job_cancel(job=job, by=job.owner)
    assert job.status == Job.Status.CANCELLED


def test_cancel_of_a_finished_job_says_where_it_is_now(db):
    job = make_completed(JobFactory())
    with pytest.raises(services.JobMovedOn, match="^This job could not be cancelled: it is completed now.$"):
        services.job_cancel(job=job, by=job.owner)


def test_cancel_of_a_job_that_moved_meanwhile_reports_its_new_status(db):
    job = JobFactory()
    Job.objects.filter(id=job.id).update(status=Job.Status.SUBMITTING)  # a worker took it after the page showed it
    with pytest.raises(services.JobMovedOn, match="it is sending to the generator now"):
        services.job_cancel(job=job, by=job.owner)


def test_retry_starts_a_new_attempt_of_a_cancelled_job(db):
    job = JobFactory(status=Job.Status.CANCELLED)
    services.job_retry(job=job, by=job.owner)
    assert (job.status, job.attempt) == (Job.Status.QUEUED, 2)


def test_retry_of_a_queued_job_is_refused(db):
    job = JobFactory()
    with pytest.raises(services.JobMovedOn, match="^This job could not be retried: it is queued now.$"):
        services.job_retry(job=job, by=job.owner)


def test_delete_of_a_moving_job_is_refused_and_keeps_its_reference(db):
    job = JobFactory()
    with pytest.raises(services.JobNotDeletable, match="still being made"):
        services.job_delete(job=job)
    assert Job.objects.filter(id=job.id).exists() and default_storage.exists(job.reference_track.name)


def test_delete_of_a_finished_job_removes_its_files_and_share_links(db):
    job = make_completed(JobFactory())
    sharing.share_link_create(job=job, created_by=job.owner)
    services.job_delete(job=job)
    assert not Job.objects.exists() and not ShareLink.objects.exists()
    assert not default_storage.exists(job.song.name) and not default_storage.exists(job.reference_track.name)


# --- share links ----------------------------------------------------------------------------------


def test_a_song_still_being_made_cannot_be_shared(db):
    job = JobFactory()
    with pytest.raises(sharing.NotShareable, match="Only a finished song can be shared"):
        sharing.share_link_create(job=job, created_by=job.owner)


def test_revoking_a_link_twice_says_it_is_gone(db):
    job = make_completed(JobFactory())
    link, _ = sharing.share_link_create(job=job, created_by=job.owner)
    sharing.share_link_revoke(job=job, link_id=link.id)
    with pytest.raises(sharing.ShareLinkGone, match="does not exist any more"):
        sharing.share_link_revoke(job=job, link_id=link.id)


def test_offering_stems_on_another_jobs_link_is_refused_and_changes_nothing(db):
    job, other = make_completed(JobFactory()), make_completed(JobFactory())
    link, _ = sharing.share_link_create(job=other, created_by=other.owner)
    with pytest.raises(sharing.ShareLinkGone):
        sharing.share_link_offer_stems(job=job, link_id=link.id, offers_stems=False)
    assert ShareLink.objects.get(id=link.id).offers_stems


def test_stems_stop_being_offered_on_that_link(db):
    job = make_completed(JobFactory())
    link, _ = sharing.share_link_create(job=job, created_by=job.owner)
    sharing.share_link_offer_stems(job=job, link_id=link.id, offers_stems=False)
    assert not ShareLink.objects.get(id=link.id).offers_stems


# --- who may act ----------------------------------------------------------------------------------


def test_a_teammate_may_not_revoke_a_link_of_the_team(owner, teammate):
    job = make_completed(JobFactory(owner=owner))
    link, _ = sharing.share_link_create(job=job, created_by=teammate)
    with pytest.raises(PermissionDenied):
        selectors.share_link_for_manager(teammate, link.id)


def test_an_outsider_cannot_find_a_link_of_another_team(owner, outsider):
    link, _ = sharing.share_link_create(job=make_completed(JobFactory(owner=owner)), created_by=owner)
    with pytest.raises(Http404):
        selectors.share_link_for_manager(outsider, link.id)


def test_a_team_admin_may_revoke_a_link_of_the_team(owner, team_admin):
    link, _ = sharing.share_link_create(job=make_completed(JobFactory(owner=owner)), created_by=owner)
    assert selectors.share_link_for_manager(team_admin, link.id) == link


def test_a_team_is_found_by_its_id_or_its_name(owner):
    team = personal_team_of(owner)
    assert team_of(owner, str(team.id)) == team
    assert team_of(owner, f" {team.name} ") == team


def test_a_team_the_person_is_not_in_is_not_found(owner, outsider):
    assert team_of(outsider, str(personal_team_of(owner).id)) is None
    assert team_of(outsider, "owner") is None


@pytest.mark.parametrize("not_an_id", ["²", "١٢", "99999999999999999999999"])
def test_unicode_digits_and_huge_numbers_find_no_team(owner, not_an_id):
    assert team_of(owner, not_an_id) is None


def test_a_team_named_with_a_unicode_digit_is_found_by_that_name(owner):
    team, _ = team_add(team_name="²", user=owner)
    assert team_of(owner, "²") == team
