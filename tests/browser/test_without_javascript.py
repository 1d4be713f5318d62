"""The pages still work with JavaScript off: plain form posts, the browser's own audio controls."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jobs.models import DraftReference, Job, ShareLink
from tests.audio_samples import REFERENCE_SONG, SHORT_SUNG_CLIP
from tests.browser.conftest import SHORT_CLIP_REJECTION, log_in
from tests.factories import JobFactory
from tests.web.job_data import make_completed

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


def test_rejected_upload_comes_back_with_the_reason_and_the_lyrics(page, live_server, owner):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("jobs:new"))
    page.get_by_label("Lyrics", exact=True).fill("A line to sing")
    page.get_by_label("Reference song", exact=True).set_input_files(SHORT_SUNG_CLIP)
    page.get_by_role("button", name="Make the song").click()
    expect(page.locator(".field-error")).to_have_text(SHORT_CLIP_REJECTION)
    expect(page.get_by_label("Lyrics", exact=True)).to_have_value("A line to sing")


def test_a_valid_upload_makes_the_job_from_the_file_the_form_sent(page, live_server, owner):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("jobs:new"))
    page.get_by_label("Lyrics", exact=True).fill("A line to sing")
    page.get_by_label("Reference song", exact=True).set_input_files(REFERENCE_SONG)
    page.get_by_role("button", name="Make the song").click()
    page.wait_for_url(live_server.url + Job.objects.get().get_absolute_url())
    assert Job.objects.get().reference_name == REFERENCE_SONG.name
    assert not DraftReference.objects.exists()


def test_finished_song_plays_with_native_controls_and_can_be_shared(page, live_server, owner):
    job = make_completed(JobFactory(owner=owner, prompt="Plain and simple"))
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + job.get_absolute_url())
    expect(page.locator("audio#song")).to_be_visible()
    expect(page.locator("#waveform")).to_be_hidden()

    page.get_by_role("button", name="Create a share link").click()
    assert page.locator("[data-share-url]").input_value().startswith(f"{live_server.url}/s/")
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("The link was revoked")).to_be_visible()
    assert not ShareLink.objects.exists()
