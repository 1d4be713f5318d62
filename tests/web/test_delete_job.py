from django.core.files.storage import default_storage
from django.urls import reverse

from jobs import sharing
from jobs.models import Job, JobEvent, ShareLink
from tests.factories import JobFactory


def test_delete_asks_for_confirmation_first(owner_client, completed_job):
    page = owner_client.get(reverse("jobs:delete", args=[completed_job.id])).content.decode()
    assert "Delete the job" in page
    assert Job.objects.filter(id=completed_job.id).exists()


def test_deleting_removes_the_files_share_links_and_events(owner_client, owner, completed_job):
    sharing.share_link_create(job=completed_job, created_by=owner)
    JobEvent.objects.create(job=completed_job, attempt=1, to_status="completed")
    files = [completed_job.reference_track.name, completed_job.song.name]
    response = owner_client.post(reverse("jobs:delete", args=[completed_job.id]))
    assert response["Location"] == reverse("jobs:history")
    assert not Job.objects.exists() and not ShareLink.objects.exists() and not JobEvent.objects.exists()
    assert not any(default_storage.exists(name) for name in files)


def test_a_team_admin_deletes_a_teammates_job(team_admin_client, completed_job):
    team_admin_client.post(reverse("jobs:delete", args=[completed_job.id]))
    assert not Job.objects.exists()


def test_a_job_still_being_made_cannot_be_deleted(owner_client, queued_job):
    owner_client.post(reverse("jobs:delete", args=[queued_job.id]))
    assert Job.objects.filter(id=queued_job.id).exists()
    page = owner_client.get(queued_job.get_absolute_url()).content.decode()
    assert "cannot be deleted yet; cancel it or wait until it finishes" in page


def test_the_history_count_drops_after_a_delete(owner_client, owner, completed_job):
    JobFactory(owner=owner)
    owner_client.post(reverse("jobs:delete", args=[completed_job.id]))
    assert "1 song" in owner_client.get(reverse("jobs:history")).content.decode()
