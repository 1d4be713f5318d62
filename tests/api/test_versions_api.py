"""Versions in the JSON API: created with `versions`, listed on each job, one of them picked."""

from django.urls import reverse

from jobs.models import Job
from tests.api.test_jobs_api import JOBS, LYRICS, job_url, wav
from tests.web.job_data import make_versions


def test_create_with_versions_answers_the_first_with_every_version_listed(owner_api, owner):
    response = owner_api.post(JOBS, {"reference_track": wav(16.0), "prompt": LYRICS, "versions": "2"})
    assert response.status_code == 201
    body = response.json()
    first, second = Job.objects.filter(owner=owner).order_by("version_number")
    assert body["id"] == str(first.id) and body["version_number"] == 1
    assert body["version_group"] == str(first.version_group) and body["is_pick"] is False
    assert [(version["id"], version["version_number"], version["status"]) for version in body["versions"]] == [
        (str(first.id), 1, "queued"),
        (str(second.id), 2, "queued"),
    ]
    assert body["versions"][1]["url"].endswith(reverse("api:job", args=[second.id]))


def test_a_single_song_has_no_versions_listed(owner_api):
    body = owner_api.post(JOBS, {"reference_track": wav(16.0), "prompt": LYRICS}).json()
    assert body["version_group"] is None and body["versions"] == []


def test_too_many_versions_is_a_field_error_with_the_forms_sentence(owner_api, settings):
    settings.MUSICGEN_MAX_VERSIONS = 4
    response = owner_api.post(JOBS, {"reference_track": wav(16.0), "prompt": LYRICS, "versions": "5"})
    assert response.status_code == 400
    assert response.json()["errors"]["versions"] == ["Ask for 1 to 4 versions of the song."]
    assert not Job.objects.exists()


def test_pick_answers_the_job_with_the_pick_among_its_versions(owner_api, owner):
    first, second = make_versions(owner)
    owner_api.post(job_url("job_pick", first))
    response = owner_api.post(job_url("job_pick", second))
    assert response.status_code == 200
    body = response.json()
    assert body["is_pick"] is True
    assert [version["is_pick"] for version in body["versions"]] == [False, True]


def test_picking_a_version_still_being_made_answers_409_with_a_sentence(owner_api, owner):
    _, moving = make_versions(owner, statuses=("completed", "downloading"))
    response = owner_api.post(job_url("job_pick", moving))
    assert response.status_code == 409
    assert response.json()["detail"].startswith("Only a finished version can be the pick; this one is saving the song")


def test_a_teammate_sees_the_pick_but_cannot_change_it(teammate_api, owner):
    first, second = make_versions(owner)
    Job.objects.filter(id=first.id).update(is_pick=True)
    assert teammate_api.post(job_url("job_pick", second)).status_code == 403
    assert teammate_api.get(job_url("job", second)).json()["versions"][0]["is_pick"] is True


def test_the_list_says_which_version_each_job_is(owner_api, owner):
    make_versions(owner)
    rows = owner_api.get(JOBS).json()["results"]
    assert sorted((row["version_number"], row["is_pick"]) for row in rows) == [(1, False), (2, False)]
    assert "versions" not in rows[0]  # one query a page: the versions are on each job's own answer
