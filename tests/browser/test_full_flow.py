"""One real generation, driven through the pages: real workers, the local generation service, Chromium."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from localgen.keys import generation_key_create
from tests.audio_samples import REFERENCE_SONG, SHORT_SUNG_CLIP
from tests.browser.conftest import SHORT_CLIP_REJECTION, log_in, save_screenshot
from tests.browser.player_checks import (
    create_share_link,
    play_shared_song_logged_out,
    revoke_first_link,
    seek_by_clicking_the_waveform,
    wait_for_waveform,
)
from tests.browser.test_new_song_form import WRITTEN_LYRICS, write_lyrics_with_the_tools

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

GENERATION_TIMEOUT_MS = 300_000
ANALYSIS_TIMEOUT_MS = 120_000


@pytest.fixture
def app_key(celery_workers):
    """The local generation service's key row for the key the app sends (tests/settings.py)."""
    return generation_key_create(name="app", plaintext=settings.MUSICGEN_API_KEY)


def test_a_person_makes_hears_and_shares_a_song(page, browser, celery_workers, app_key, owner):
    base_url = celery_workers.url
    log_in(page, base_url, owner)
    page.goto(base_url + reverse("jobs:new"))
    write_lyrics_with_the_tools(page)
    expect(page.locator("[data-structure-list] li")).to_have_count(5)

    # A clip that is too short comes back with the measured duration and the lyrics kept.
    page.get_by_label("Reference song", exact=True).set_input_files(SHORT_SUNG_CLIP)
    page.get_by_role("button", name="Make the song").click()
    expect(page.locator(".field-error")).to_have_text(SHORT_CLIP_REJECTION)
    expect(page.get_by_label("Lyrics", exact=True)).to_have_value(WRITTEN_LYRICS)

    page.get_by_label("Reference song", exact=True).set_input_files(REFERENCE_SONG)
    expect(page.locator("[data-reference-analysis]")).to_contain_text("60.0 s")
    expect(page.locator(".field-error")).to_have_count(0)  # the rejected file's error went with it
    # The generator's analysis comes through the app worker and the engine worker; the page polls for it.
    expect(page.locator("[data-generator-heard]")).to_contain_text("BPM", timeout=ANALYSIS_TIMEOUT_MS)
    page.wait_for_function("() => document.querySelector('[data-reference-preview]').duration > 59")
    save_screenshot(page, "new-song")
    page.get_by_role("button", name="Make the song").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))

    # The status changes in place: a marker set on this page survives until the song is ready.
    page.evaluate("() => { window.sameDocument = true; }")
    first_status = page.locator("#job-status").get_attribute("data-status")
    page.wait_for_function(
        "(first) => document.querySelector('#job-status').dataset.status !== first",
        arg=first_status,
        timeout=GENERATION_TIMEOUT_MS,
    )
    if page.locator("#job-status[data-status=generating]").count():
        save_screenshot(page, "job-page-generating")
    page.wait_for_selector("[data-player]", timeout=GENERATION_TIMEOUT_MS)
    assert page.evaluate("() => window.sameDocument") is True
    expect(page).to_have_title("♪ Ready: City lights are calling me home · musicgen")
    expect(page.locator("#job-status")).to_contain_text("Ready")

    wait_for_waveform(page)
    seek_by_clicking_the_waveform(page)
    share_url = create_share_link(page)
    play_shared_song_logged_out(browser, share_url)
    revoke_first_link(page, browser, share_url)
