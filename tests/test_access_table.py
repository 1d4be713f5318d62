"""Who may open what: every URL of the project, as every kind of visitor, with the exact status.

The rows are checked against the project's URL patterns, so a URL added without a row here fails
`test_every_url_of_the_project_has_a_row`. Django's own admin pages are one row (its index): the
admin checks staff itself, and its URLs are not ours to add to.

Visitors: the job's owner; a teammate (member of the job's team); a team admin; an outsider (in
none of its teams); anonymous; and API tokens: the owner's, a revoked one, another person's (the
outsider's). Tokens are sent without a session, so pages treat them as anonymous.
"""

from uuid import uuid4

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from api.tokens import api_token_create
from jobs import sharing
from teams.models import Team
from teams.services import invitation_create, team_add
from tests.conftest import forget_this_runs_cache
from tests.factories import DraftReferenceFactory, JobFactory, UserFactory
from tests.file_server import closed_port
from tests.web.job_data import add_timing_and_stems, make_completed

ROLES = ["owner", "teammate", "team_admin", "outsider", "anonymous", "token", "revoked_token", "others_token"]


def anyone(status):
    return (status,) * len(ROLES)


# Status per role, in the order of ROLES.
LOGGED_IN_PAGE = (200, 200, 200, 200, 302, 302, 302, 302)
TEAM_PAGE = (200, 200, 200, 404, 302, 302, 302, 302)  # see / play / share the team's job
# cancel / retry / delete / revoke a job, or a team admin's action on the team page; then back to the page
MANAGE_PAGE = (302, 403, 302, 404, 302, 302, 302, 302)
PUBLIC_API = (200, 200, 200, 200, 200, 200, 401, 200)  # a bad token is refused even where none is needed
API_ANY_PERSON = (200, 200, 200, 200, 401, 200, 401, 200)
API_TEAM = (200, 200, 200, 404, 401, 200, 401, 404)
API_MANAGE_FINISHED = (409, 403, 409, 404, 401, 409, 401, 404)  # cancel or retry a completed job: 409

# name: (method, URL arguments from the world, request data, statuses)
TABLE = {
    "admin:index": ("get", None, None, anyone(302)),  # nobody here is staff
    "login": ("get", None, None, anyone(200)),
    "logout": ("post", None, None, anyone(302)),
    "health": ("get", None, None, anyone(503)),  # no login; 503 because the generator is down here
    "localgen:generate_audio": ("post", None, None, anyone(401)),  # generation keys only
    "localgen:audio_file": ("get", lambda w: ["not-a-signed-token"], None, anyone(404)),
    "localgen:analyze_audio": ("post", None, None, anyone(401)),
    "api:jobs": ("get", None, None, API_ANY_PERSON),
    "api:job": ("get", lambda w: [w.job.id], None, API_TEAM),
    "api:job_cancel": ("post", lambda w: [w.job.id], None, API_MANAGE_FINISHED),
    "api:job_retry": ("post", lambda w: [w.job.id], None, API_MANAGE_FINISHED),
    "api:job_pick": ("post", lambda w: [w.job.id], None, (200, 403, 200, 404, 401, 200, 401, 404)),
    "api:job_song": ("get", lambda w: [w.job.id], None, API_TEAM),
    "api:job_song_download": ("get", lambda w: [w.job.id], None, API_TEAM),
    "api:share_links": ("post", lambda w: [w.job.id], {"expiry": "7"}, (201, 201, 201, 404, 401, 201, 401, 404)),
    "api:share_link": ("delete", lambda w: [w.link.id], None, (204, 403, 204, 404, 401, 204, 401, 404)),
    "api:teams": ("get", None, None, API_ANY_PERSON),
    "api:schema": ("get", None, None, PUBLIC_API),
    "api:docs": ("get", None, None, PUBLIC_API),
    "api:tokens": ("get", None, None, LOGGED_IN_PAGE),
    "api:token_revoke": ("post", lambda w: [w.owner_token.id], None, anyone(302)),  # only one's own is revoked
    "teams:list": ("get", None, None, LOGGED_IN_PAGE),
    "teams:detail": ("get", lambda w: [w.team.id], None, TEAM_PAGE),
    "teams:invitation_create": (
        "post",
        lambda w: [w.team.id],
        {"days": "7", "max_uses": "1"},
        (200, 403, 200, 404, 302, 302, 302, 302),
    ),
    "teams:invitation_revoke": ("post", lambda w: [w.team.id, w.invitation.id], None, MANAGE_PAGE),
    "teams:member_promote": ("post", lambda w: [w.team.id, w.teammate.id], None, MANAGE_PAGE),
    "teams:member_remove": ("post", lambda w: [w.team.id, w.teammate.id], None, MANAGE_PAGE),
    "teams:leave": ("post", lambda w: [w.team.id], None, (302, 302, 302, 404, 302, 302, 302, 302)),
    "teams:invitation_open": ("get", lambda w: [w.invitation_token], None, anyone(200)),
    "jobs:history": ("get", None, None, LOGGED_IN_PAGE),
    "jobs:history_list": ("get", None, None, LOGGED_IN_PAGE),
    "jobs:new": ("get", None, None, LOGGED_IN_PAGE),
    "jobs:draft_create": ("post", None, None, (422, 422, 422, 422, 302, 302, 302, 302)),  # no file sent
    "jobs:draft_analysis": ("get", lambda w: [w.draft.id], None, (200, 404, 404, 404, 302, 302, 302, 302)),
    "jobs:detail": ("get", lambda w: [w.job.id], None, TEAM_PAGE),
    "jobs:status": ("get", lambda w: [w.job.id], None, TEAM_PAGE),
    "jobs:reference_audio": ("get", lambda w: [w.job.id], None, TEAM_PAGE),
    "jobs:song_audio": ("get", lambda w: [w.job.id], None, TEAM_PAGE),
    "jobs:song_download": ("get", lambda w: [w.job.id], None, TEAM_PAGE),
    "jobs:stem_audio": ("get", lambda w: [w.job.id, "vocals"], None, TEAM_PAGE),
    "jobs:lyrics_lrc": ("get", lambda w: [w.job.id], None, TEAM_PAGE),
    "jobs:share_create": ("post", lambda w: [w.job.id], {"expiry": "7"}, TEAM_PAGE),
    "jobs:cancel": ("post", lambda w: [w.job.id], None, MANAGE_PAGE),
    "jobs:retry": ("post", lambda w: [w.job.id], None, MANAGE_PAGE),
    "jobs:delete": ("post", lambda w: [w.job.id], None, MANAGE_PAGE),
    "jobs:version_card": ("get", lambda w: [w.job.id], None, TEAM_PAGE),
    "jobs:pick": ("post", lambda w: [w.job.id], None, MANAGE_PAGE),  # the pick among its versions
    "jobs:share_revoke": ("post", lambda w: [w.job.id, w.link.id], None, MANAGE_PAGE),
    "jobs:share_stems": ("post", lambda w: [w.job.id, w.link.id], {"offers_stems": "off"}, MANAGE_PAGE),
    "jobs:shared_song": ("get", lambda w: [w.share_token], None, anyone(200)),
    "jobs:shared_song_audio": ("get", lambda w: [w.share_token], None, anyone(200)),
    "jobs:shared_song_download": ("get", lambda w: [w.share_token], None, anyone(200)),
    "jobs:shared_stem_audio": ("get", lambda w: [w.share_token, "instrumental"], None, anyone(200)),
    "jobs:shared_lyrics_lrc": ("get", lambda w: [w.share_token], None, anyone(200)),
    "jobs:reference_for_generator": ("get", lambda w: ["not-a-signed-token"], None, anyone(404)),
}


def project_url_names(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner == "admin":
                yield "admin:index"
                continue
            yield from project_url_names(pattern.url_patterns, inner)
        else:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_of_the_project_has_a_row():
    assert set(project_url_names()) == set(TABLE)


class World:
    """One team's completed job (version 1 of 2) with a share link, an invitation, and the visitors of ROLES."""

    def __init__(self):
        self.owner = UserFactory(username="owner")
        self.team = Team.objects.get(name="owner")
        self.teammate = UserFactory(username="teammate")
        team_add(team_name="owner", user=self.teammate)
        self.team_admin = UserFactory(username="team_admin")
        team_add(team_name="owner", user=self.team_admin, admin=True)
        self.outsider = UserFactory(username="outsider")
        self.job = add_timing_and_stems(
            make_completed(JobFactory(owner=self.owner, prompt="Sunlight on the water", version_group=uuid4()))
        )
        make_completed(JobFactory(owner=self.owner, version_group=self.job.version_group, version_number=2))
        self.link, self.share_token = sharing.share_link_create(job=self.job, created_by=self.owner)
        self.draft = DraftReferenceFactory(owner=self.owner)  # drafts are their uploader's alone
        self.invitation, self.invitation_token = invitation_create(
            team=self.team, created_by=self.owner, days=7, max_uses=5
        )
        self.owner_token, owner_token = api_token_create(user=self.owner, name="script")
        revoked, revoked_token = api_token_create(user=self.owner, name="old")
        revoked.delete()
        _, others_token = api_token_create(user=self.outsider, name="theirs")
        self.bearer = {"token": owner_token, "revoked_token": revoked_token, "others_token": others_token}

    def client_for(self, role):
        if role == "anonymous":
            return Client()
        if role in self.bearer:
            return Client(HTTP_AUTHORIZATION=f"Bearer {self.bearer[role]}")
        client = Client()
        client.force_login(getattr(self, role))
        return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(TABLE))
def test_access(db, settings, name, role):
    forget_this_runs_cache()  # the share pages' rate limit counts per client address
    settings.MUSICGEN_API_BASE_URL = f"http://127.0.0.1:{closed_port()}"  # /health/: the generator is down
    world = World()
    method, url_args, data, statuses = TABLE[name]
    url = reverse(name, args=url_args(world) if url_args else None)
    send = getattr(world.client_for(role), method)
    response = send(url, data) if data else send(url)
    assert response.status_code == statuses[ROLES.index(role)]
