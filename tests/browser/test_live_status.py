"""The job page follows a job without reloading, and announces the finished song."""

import pytest
from playwright.sync_api import expect

from jobs.models import Job
from tests.browser.conftest import log_in
from tests.browser.player_checks import wait_for_waveform
from tests.factories import JobFactory
from tests.web.job_data import make_completed

pytestmark = pytest.mark.browser

# Headless Chromium has no notification centre: record what the page would show.
RECORDING_NOTIFICATION = """
window.shownNotifications = [];
window.Notification = class {
  static permission = "default";
  static requestPermission() { Notification.permission = "granted"; return Promise.resolve("granted"); }
  constructor(title, options) { window.shownNotifications.push([title, options.body]); }
};
"""


def test_status_updates_in_place_and_the_finished_song_is_announced(page, live_server, owner):
    job = JobFactory(
        owner=owner, prompt="Harbour lights\nSecond line", status=Job.Status.GENERATING, upstream_status="running"
    )
    page.add_init_script(RECORDING_NOTIFICATION)
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + job.get_absolute_url())
    page.evaluate("() => { window.sameDocument = true; }")

    expect(page.locator("#job-status")).to_contain_text("The generator says: running.")
    page.get_by_role("button", name="Notify me when the song is ready").click()
    expect(page.get_by_role("button", name="Notify me when the song is ready")).to_be_hidden()

    Job.objects.filter(id=job.id).update(upstream_status="rendering")  # what a poll of the generator would write
    expect(page.locator("#job-status")).to_contain_text("The generator says: rendering.")

    make_completed(job)
    wait_for_waveform(page)
    expect(page).to_have_title("♪ Ready: Harbour lights · musicgen")
    assert page.evaluate("() => window.shownNotifications") == [["Your song is ready", "Harbour lights"]]
    assert page.evaluate("() => window.sameDocument") is True
    expect(page.locator("#job-status")).not_to_have_attribute("hx-trigger", "every 2s")  # polling stopped
