"""Versions: one upload made into several sibling jobs, each generated on its own, one of them the pick."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jobs import flow, limits, services
from jobs.audio import measure_reference
from jobs.models import Job
from tests.audio_samples import tone_wav
from tests.factories import JobFactory, UserFactory, personal_team_of
from tests.web.job_data import make_completed

LYRICS = "Walking down the river\nSinging all night long"


def create_versions(owner, count):
    upload = SimpleUploadedFile("demo.wav", tone_wav(16.0))
    reference_info = measure_reference(upload)
    upload.seek(0)
    first = flow.job_create(
        owner=owner,
        team=personal_team_of(owner),
        prompt=LYRICS,
        reference_track=upload,
        reference_info=reference_info,
        versions=count,
    )
    return list(Job.objects.filter(version_group=first.version_group).order_by("version_number"))


def finish(jobs):
    return [make_completed(job) for job in jobs]


def test_three_versions_are_three_queued_jobs_of_one_group_sharing_one_stored_reference(db):
    versions = create_versions(UserFactory(), 3)
    assert [version.version_number for version in versions] == [1, 2, 3]
    assert {version.status for version in versions} == {Job.Status.QUEUED}
    assert len({version.reference_track.name for version in versions}) == 1
    assert default_storage.exists(versions[0].reference_track.name)
    assert len({version.created_at for version in versions}) == 1  # the history keeps a group together
    assert all(version.events.get().note == "Uploaded." for version in versions)


def test_one_version_is_a_single_song_without_a_group(db):
    job = flow.job_create(
        owner=(owner := UserFactory()),
        team=personal_team_of(owner),
        prompt=LYRICS,
        reference_track=SimpleUploadedFile("demo.wav", tone_wav(16.0)),
        reference_info=measure_reference(SimpleUploadedFile("demo.wav", tone_wav(16.0))),
    )
    assert job.version_group is None and not job.has_versions and Job.objects.count() == 1


def test_each_version_is_sent_to_the_generator_on_its_own(db, step_queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        versions = create_versions(UserFactory(), 2)
    assert [(step.task, step.args) for step in step_queue.steps()] == [
        ("submit", [str(version.id)]) for version in versions
    ]


def test_deleting_a_version_keeps_the_reference_its_sibling_still_uses(db):
    first, second = finish(create_versions(UserFactory(), 2))
    reference = first.reference_track.name
    services.job_delete(job=first)
    assert default_storage.exists(reference)
    assert not default_storage.exists(first.song.name)
    services.job_delete(job=second)
    assert not default_storage.exists(reference)  # the last version took it along


def test_the_pick_is_one_finished_version_and_moves_when_another_is_picked(db):
    owner = UserFactory()
    first, second = finish(create_versions(owner, 2))
    services.job_pick(job=second, by=owner)
    services.job_pick(job=first, by=owner)
    assert list(Job.objects.filter(is_pick=True)) == [first]


def test_a_version_still_being_made_cannot_be_the_pick(db):
    owner = UserFactory()
    first, _ = create_versions(owner, 2)
    with pytest.raises(services.JobNotPickable, match="Only a finished version can be the pick; this one is queued"):
        services.job_pick(job=first, by=owner)


def test_a_single_song_has_nothing_to_pick_from(db):
    job = make_completed(JobFactory())
    with pytest.raises(services.JobNotPickable, match="made as a single version"):
        services.job_pick(job=job, by=job.owner)


def test_the_team_quota_counts_a_reference_its_versions_share_once(db):
    versions = finish(create_versions(owner := UserFactory(), 3))
    songs = sum(version.song_size for version in versions)
    assert limits.team_storage_used(personal_team_of(owner)) == versions[0].reference_size + songs


def test_every_version_counts_towards_the_hourly_limit(db, settings):
    settings.MUSICGEN_JOBS_PER_HOUR = 4
    owner = UserFactory()
    JobFactory(owner=owner, created_at=timezone.now() - timedelta(minutes=50))
    JobFactory(owner=owner, created_at=timezone.now() - timedelta(minutes=5))
    limits.check_job_rate(owner, new_jobs=2)  # 2 + 2 fit
    with pytest.raises(limits.JobRateLimited, match="started 2 of the 4 songs .* so 3 versions do not fit") as refusal:
        limits.check_job_rate(owner, new_jobs=3)
    assert 500 <= refusal.value.retry_after <= 600  # when the one 50 minutes old leaves the hour


def test_more_versions_than_the_hourly_limit_never_fit(db, settings):
    settings.MUSICGEN_JOBS_PER_HOUR = 2
    with pytest.raises(limits.JobRateLimited, match="at most 2 songs an hour, fewer than the 3 versions"):
        limits.check_job_rate(UserFactory(), new_jobs=3)
