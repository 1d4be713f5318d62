"""A teammate joins through an invitation link and finds the team's songs: they play them, and
cannot cancel what someone else started."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from teams.models import Team
from tests.audio_samples import REFERENCE_SONG
from tests.browser.conftest import log_in, save_screenshot
from tests.browser.player_checks import wait_for_waveform
from tests.factories import JobFactory
from tests.web.job_data import make_completed

pytestmark = pytest.mark.browser

NEW_PASSWORD = "river stones 4 ever"


def test_invite_sign_up_see_and_play_the_owners_song_but_not_cancel_it(page, browser, live_server, owner):
    make_completed(JobFactory(owner=owner, prompt="City lights are calling me home"), song_path=REFERENCE_SONG)
    still_waiting = JobFactory(owner=owner, prompt="A song still waiting for a worker")
    team = Team.objects.get(name="owner")

    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("teams:detail", args=[team.id]))
    page.get_by_label("People it admits").fill("3")
    page.get_by_role("button", name="Create an invitation link").click()
    invite_url = page.locator("[data-invitation-url]").input_value()
    assert re.fullmatch(r"http://[^/]+/invite/[A-Za-z0-9_-]{43}/", invite_url)

    newcomer = browser.new_context().new_page()
    newcomer.goto(invite_url)
    newcomer.get_by_label("Username").fill("newcomer")
    newcomer.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("Password confirmation").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Sign up and join").click()

    expect(newcomer.get_by_text("You are in team owner")).to_be_visible()
    row = newcomer.get_by_role("row").filter(has_text="City lights are calling me home")
    expect(row).to_contain_text("owner")
    save_screenshot(newcomer, "history-team-scope")

    row.get_by_role("link").click()
    wait_for_waveform(newcomer)
    newcomer.get_by_role("button", name="Play").click()
    newcomer.wait_for_function("() => document.querySelector('audio#song').currentTime > 0.5")

    newcomer.goto(live_server.url + still_waiting.get_absolute_url())
    expect(newcomer.locator("[aria-current=step]")).to_have_text("Waiting for a worker")
    expect(newcomer.get_by_role("button", name="Cancel")).to_have_count(0)
    page.goto(live_server.url + still_waiting.get_absolute_url())
    expect(page.get_by_role("button", name="Cancel")).to_be_visible()  # the owner can

    page.goto(live_server.url + reverse("teams:detail", args=[team.id]))
    expect(page.get_by_role("row").filter(has_text="newcomer")).to_contain_text("Member")
    expect(page.get_by_text("1 of 3")).to_be_visible()
    save_screenshot(page, "team-page")
