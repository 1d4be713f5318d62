import pytest
from django.urls import reverse

from jobs import sharing
from tests.factories import DraftReferenceFactory, UserFactory
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
