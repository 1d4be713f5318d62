"""Every page works under the Content-Security-Policy: the browser reports no violation while people use them."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jobs import sharing
from jobs.models import Job
from tests.audio_samples import REFERENCE_SONG
from tests.browser.conftest import PASSWORD, log_in
from tests.browser.player_checks import wait_for_waveform
from tests.factories import JobFactory, UserFactory
from tests.web.job_data import make_completed, make_versions

pytestmark = pytest.mark.browser

LYRICS = "City lights are calling me home\nOver the river, under the moon"


@pytest.fixture
def csp_violations(page):
    """What the browser refused under the policy: its console reports and the violation events."""
    reported = []
    page.on("console", lambda message: "Content Security Policy" in message.text and reported.append(message.text))
    page.add_init_script(
        """document.addEventListener("securitypolicyviolation",
            (event) => console.error(`Content Security Policy: ${event.violatedDirective} ${event.blockedURI}`), true);"""
    )
    return reported


@pytest.fixture
def finished_job(owner):
    return make_completed(JobFactory(owner=owner, prompt=LYRICS), song_path=REFERENCE_SONG)


def test_pages_send_the_policy(page, live_server, owner):
    response = page.goto(live_server.url + reverse("login"))
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_new_song_page_runs_without_violations(page, live_server, owner, csp_violations):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("jobs:new"))
    page.get_by_label("Lyrics", exact=True).fill(LYRICS)
    page.get_by_role("button", name="Insert pause").click()
    page.get_by_label("Reference song", exact=True).set_input_files(REFERENCE_SONG)
    expect(page.locator("[data-reference-analysis]")).to_contain_text("60.0 s")
    page.wait_for_function("() => document.querySelector('[data-reference-preview]').duration > 59")
    assert csp_violations == []


def test_job_page_draws_the_waveform_without_violations(page, live_server, owner, finished_job, csp_violations):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + finished_job.get_absolute_url())
    wait_for_waveform(page)
    page.get_by_role("button", name="Play").click()
    assert csp_violations == []


def test_a_player_swapped_in_when_the_job_finishes_runs_without_violations(page, live_server, owner, csp_violations):
    job = JobFactory(owner=owner, prompt=LYRICS, status=Job.Status.GENERATING, upstream_status="running")
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + job.get_absolute_url())
    expect(page.locator("#job-status")).to_contain_text("running")
    make_completed(job, song_path=REFERENCE_SONG)
    wait_for_waveform(page)
    assert csp_violations == []


def test_versions_side_by_side_run_without_violations(page, live_server, owner, csp_violations):
    finished, moving = make_versions(owner, statuses=("completed", "generating"), prompt=LYRICS)
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + finished.get_absolute_url())
    make_completed(moving, song_path=REFERENCE_SONG)  # its card, polling, swaps in a second player
    page.wait_for_selector("#version-2-player [data-player][data-waveform-ready]", timeout=15_000)
    page.get_by_role("button", name="Play version 2").click()
    assert csp_violations == []


def test_history_plays_in_place_without_violations(page, live_server, owner, finished_job, csp_violations):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("jobs:history"))
    page.get_by_role("button", name=f"Play {LYRICS.splitlines()[0]}").click()
    assert csp_violations == []


def test_share_page_draws_the_waveform_without_violations(page, live_server, owner, finished_job, csp_violations):
    _, token = sharing.share_link_create(job=finished_job, created_by=owner)
    page.goto(live_server.url + reverse("jobs:shared_song", args=[token]))
    wait_for_waveform(page)
    page.get_by_role("button", name="Play").click()
    assert csp_violations == []


def test_the_admin_runs_without_violations(page, live_server, finished_job, csp_violations):
    staff = UserFactory(username="admin", is_staff=True, is_superuser=True)
    page.goto(live_server.url + reverse("admin:login"))
    page.get_by_label("Username").fill(staff.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + reverse("admin:jobs_job_changelist"))
    page.goto(live_server.url + reverse("admin:jobs_job_change", args=[finished_job.id]))
    expect(page.get_by_text(LYRICS.splitlines()[0]).first).to_be_visible()
    assert csp_violations == []
