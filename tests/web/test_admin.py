import pytest
from django.urls import reverse

from jobs import sharing
from jobs.models import Job
from tests.factories import DraftReferenceFactory, JobFactory, UserFactory
from tests.web.conftest import logged_in


@pytest.fixture
def staff_client(db):
    return logged_in(UserFactory(username="admin", is_staff=True, is_superuser=True))


def test_staff_browse_jobs_and_share_links_in_the_admin(staff_client, completed_job, owner):
    sharing.share_link_create(job=completed_job, created_by=owner)
    assert staff_client.get(reverse("admin:jobs_job_changelist")).status_code == 200
    page = staff_client.get(reverse("admin:jobs_job_change", args=[completed_job.id]))
    assert page.status_code == 200 and "Sunlight on the water" in page.content.decode()
    assert staff_client.get(reverse("admin:jobs_sharelink_changelist")).status_code == 200


def test_people_without_staff_rights_cannot_open_the_admin(owner_client):
    assert owner_client.get(reverse("admin:jobs_job_changelist")).status_code == 302


def test_staff_see_draft_references_and_local_analyses_in_the_admin(staff_client, owner):
    draft = DraftReferenceFactory(owner=owner)
    assert "my draft.wav" in staff_client.get(reverse("admin:jobs_draftreference_changelist")).content.decode()
    assert staff_client.get(reverse("admin:jobs_draftreference_change", args=[draft.id])).status_code == 200
    assert staff_client.get(reverse("admin:localgen_analysis_changelist")).status_code == 200


def run_admin_action(client, action, jobs):
    response = client.post(
        reverse("admin:jobs_job_changelist"),
        {"action": action, "_selected_action": [str(job.id) for job in jobs]},
        follow=True,
    )
    assert response.status_code == 200
    return [str(message) for message in response.context["messages"]]


def test_staff_retry_failed_jobs_from_the_admin_and_are_told_how_many_moved(staff_client, owner):
    failed = JobFactory(owner=owner, status=Job.Status.FAILED, error="The generator could not make this song.")
    completed = JobFactory(owner=owner, status=Job.Status.COMPLETED)

    reports = run_admin_action(staff_client, "retry_jobs", [failed, completed])

    failed.refresh_from_db()
    assert (failed.status, failed.attempt) == (Job.Status.QUEUED, 2)
    assert Job.objects.get(id=completed.id).status == Job.Status.COMPLETED
    assert reports == ["1 of 2 selected jobs sent again as a new attempt. The other 1 were not failed or cancelled."]


def test_staff_cancel_waiting_jobs_from_the_admin_and_are_told_how_many_moved(staff_client, owner):
    queued = JobFactory(owner=owner)
    generating = JobFactory(owner=owner, status=Job.Status.GENERATING)

    reports = run_admin_action(staff_client, "cancel_jobs", [queued, generating])

    assert set(Job.objects.values_list("status", flat=True)) == {Job.Status.CANCELLED}
    assert reports == ["2 of 2 selected jobs cancelled."]
