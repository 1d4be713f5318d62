"""The finished-song parts in a real browser, on a job finished by factories (no generation needed)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from jobs.models import JobEvent
from tests.audio_samples import REFERENCE_SONG
from tests.browser.conftest import PHONE_WIDTH, log_in, save_screenshot
from tests.browser.player_checks import (
    create_share_link,
    play_shared_song_logged_out,
    revoke_first_link,
    seek_by_clicking_the_waveform,
    wait_for_waveform,
)
from tests.factories import JobFactory
from tests.web.job_data import make_completed

pytestmark = pytest.mark.browser

LYRICS = "##\nCity lights are calling me home\nOver the river, under the moon\n\nSing it slow and sing it low\n##"


LIFE = [
    ("", "queued", "Uploaded."),
    ("queued", "submitting", ""),
    ("submitting", "generating", "Accepted by the generator as gen_4f2a."),
    ("generating", "downloading", ""),
    ("downloading", "completed", ""),
]


@pytest.fixture
def finished_job(owner):
    """A job that went through the whole flow three minutes ago (rows written as test data)."""
    started = timezone.now() - timedelta(minutes=3)
    job = make_completed(JobFactory(owner=owner, prompt=LYRICS, created_at=started), song_path=REFERENCE_SONG)
    for step, (from_status, to_status, note) in enumerate(LIFE):
        at = started + timedelta(seconds=20 * step)
        JobEvent.objects.create(job=job, at=at, attempt=1, from_status=from_status, to_status=to_status, note=note)
    return job


def test_owner_plays_seeks_shares_and_revokes_a_finished_song(page, browser, live_server, owner, finished_job):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + finished_job.get_absolute_url())

    wait_for_waveform(page)
    expect(page.locator("audio#song")).to_be_hidden()  # the waveform and its Play button replace it
    seek_by_clicking_the_waveform(page)
    save_screenshot(page, "job-page")

    share_url = create_share_link(page)
    play_shared_song_logged_out(browser, share_url, screenshot=lambda shared: save_screenshot(shared, "shared-song"))
    revoke_first_link(page, browser, share_url)


def test_history_lists_songs_and_plays_one_in_place(page, live_server, owner, finished_job):
    JobFactory(owner=owner, prompt="Morning coffee, evening rain", status="generating", upstream_status="running")
    JobFactory(owner=owner, prompt="A song that went wrong", status="failed", error="The generator timed out.")
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("jobs:history"))

    expect(page.get_by_role("link", name="City lights are calling me home")).to_be_visible()
    play_button = page.get_by_role("button", name="Play City lights are calling me home")
    play_button.click()
    expect(play_button).to_have_attribute("aria-pressed", "true")
    save_screenshot(page, "history")

    page.set_viewport_size(PHONE_WIDTH)
    save_screenshot(page, "history-phone")


def test_keyboard_reaches_the_player_and_seeks_with_arrows(page, live_server, owner, finished_job):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + finished_job.get_absolute_url())
    wait_for_waveform(page)
    page.wait_for_function("() => document.querySelector('audio#song').readyState >= 1")  # metadata loaded
    page.locator("#waveform").focus()
    for seconds in (5, 10):
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"() => document.querySelector('audio#song').currentTime >= {seconds}")
