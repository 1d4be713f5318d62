from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from teams.models import Team
from teams.services import team_add
from tests.factories import JobFactory, UserFactory
from tests.web.job_data import create_many_jobs, make_completed

HISTORY = reverse("jobs:history")


@pytest.mark.django_db
def test_history_asks_anonymous_people_to_log_in(client):
    response = client.get(HISTORY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_new_person_sees_what_to_do_first(owner_client):
    response = owner_client.get(HISTORY)
    assert response.status_code == 200
    assert "Write lyrics and choose a model →" in response.content.decode()


def test_jobs_list_is_also_at_slash_jobs(owner_client, queued_job):
    assert queued_job.first_line in owner_client.get(reverse("jobs:history_list")).content.decode()


def test_history_shows_the_teams_jobs_with_who_made_them_and_hides_other_teams(
    owner_client, teammate_client, outsider_client, owner
):
    JobFactory(owner=owner, prompt="Our song")
    assert "Our song" in owner_client.get(HISTORY).content.decode()
    teammate_page = teammate_client.get(HISTORY).content.decode()
    assert "Our song" in teammate_page
    assert "<td>owner</td>" in teammate_page
    assert "Our song" not in outsider_client.get(HISTORY).content.decode()


def test_mine_scope_shows_only_the_persons_own_jobs(teammate_client, teammate, owner):
    JobFactory(owner=owner, prompt="Song by the owner")
    JobFactory(owner=teammate, prompt="Song by the teammate")
    page = teammate_client.get(HISTORY, {"scope": "mine"}).content.decode()
    assert "Song by the teammate" in page
    assert "Song by the owner" not in page


def test_team_scope_shows_only_that_teams_jobs(teammate_client, teammate, owner):
    owners_team = Team.objects.get(name="owner")
    JobFactory(owner=owner, prompt="In the shared team")
    JobFactory(owner=teammate, prompt="In the personal team")  # the teammate's own team, their first
    page = teammate_client.get(HISTORY, {"scope": owners_team.id}).content.decode()
    assert "In the shared team" in page
    assert "In the personal team" not in page
    assert "Team owner" in page and "Everything I can see" in page


def test_a_team_the_person_is_not_in_shows_nothing(outsider_client, owner):
    JobFactory(owner=owner, prompt="Private to the team")
    page = outsider_client.get(HISTORY, {"scope": Team.objects.get(name="owner").id}).content.decode()
    assert "Private to the team" not in page


def test_a_deleted_persons_songs_stay_in_the_team_made_by_a_former_member(teammate_client, teammate):
    leaver = UserFactory(username="leaver")
    team_add(team_name="owner", user=leaver)
    JobFactory(owner=leaver, team=Team.objects.get(name="owner"), prompt="Left behind")
    leaver.delete()
    page = teammate_client.get(HISTORY).content.decode()
    assert "Left behind" in page and "a former member" in page


def test_history_lists_newest_first_with_status_reference_and_length(owner_client, owner):
    older = JobFactory(owner=owner, prompt="Older song", created_at=timezone.now() - timedelta(hours=2))
    newer = make_completed(JobFactory(owner=owner, prompt="Newer song"), seconds=65)
    page = owner_client.get(HISTORY).content.decode()
    assert page.index(newer.first_line) < page.index(older.first_line)
    assert "badge-completed" in page and "badge-queued" in page
    assert "my reference.wav" in page
    assert "1:05" in page
    assert "2\xa0hours ago" in page  # naturaltime joins with a no-break space
    assert reverse("jobs:song_audio", args=[newer.id]) in page  # play button for the finished one only
    assert reverse("jobs:song_audio", args=[older.id]) not in page


def test_search_finds_jobs_by_words_in_the_lyrics(owner_client, owner):
    JobFactory(owner=owner, prompt="Dancing in the rain")
    JobFactory(owner=owner, prompt="Quiet morning")
    page = owner_client.get(HISTORY, {"q": "RAIN"}).content.decode()
    assert "Dancing in the rain" in page
    assert "Quiet morning" not in page


def test_status_filter_shows_only_that_status(owner_client, owner):
    make_completed(JobFactory(owner=owner, prompt="Finished one"))
    JobFactory(owner=owner, prompt="Waiting one")
    page = owner_client.get(HISTORY, {"status": "completed"}).content.decode()
    assert "Finished one" in page
    assert "Waiting one" not in page


def test_date_filter_hides_older_jobs(owner_client, owner):
    JobFactory(owner=owner, prompt="From last month", created_at=timezone.now() - timedelta(days=20))
    JobFactory(owner=owner, prompt="From today")
    page = owner_client.get(HISTORY, {"period": "week"}).content.decode()
    assert "From today" in page
    assert "From last month" not in page


def test_filters_that_match_nothing_say_so_instead_of_the_first_steps(owner_client, queued_job):
    page = owner_client.get(HISTORY, {"q": "no such words"}).content.decode()
    assert "No songs match these filters." in page
    assert "Write lyrics and choose a model" not in page


def test_invalid_status_filter_is_ignored(owner_client, queued_job):
    response = owner_client.get(HISTORY, {"status": "exploded"})
    assert response.status_code == 200
    assert queued_job.first_line in response.content.decode()


def test_history_pages_by_25_and_keeps_the_filters_in_page_links(owner_client, owner):
    create_many_jobs(owner, 30, prompt="Rain song {n:02d}", completed_every=0)
    first = owner_client.get(HISTORY, {"q": "rain", "status": "queued"}).content.decode()
    assert "Rain song 00" in first and "Rain song 24" in first and "Rain song 25" not in first
    assert "Page 1 of 2" in first
    assert "?q=rain&amp;status=queued&amp;page=2" in first
    second = owner_client.get(HISTORY, {"q": "rain", "status": "queued", "page": 2}).content.decode()
    assert "Rain song 25" in second and "Rain song 29" in second and "Rain song 24" not in second


def test_history_queries_do_not_grow_with_the_number_of_jobs(owner_client, owner, django_assert_max_num_queries):
    create_many_jobs(owner, 200)
    with django_assert_max_num_queries(4):  # session, user, the person's teams, one page of jobs with the count
        response = owner_client.get(HISTORY, {"page": 3})
    assert response.status_code == 200
    assert "Page 3 of 8" in response.content.decode()
