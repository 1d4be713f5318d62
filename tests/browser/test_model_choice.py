"""The model choice in a real browser: the form's fields, counters and lyrics tools follow the model."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from jobs.models import Job
from tests.browser.conftest import log_in, save_screenshot

pytestmark = pytest.mark.browser


def open_new_song_page(page, live_server, owner):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("jobs:new"))


def test_switching_the_model_changes_the_fields(page, live_server, owner):
    open_new_song_page(page, live_server, owner)
    reference, style = page.get_by_label("Reference song", exact=True), page.get_by_label("Style", exact=True)
    instrumental = page.get_by_label("Instrumental (no voice)")

    expect(reference).to_be_visible()
    expect(style).to_be_hidden()
    expect(page.get_by_role("button", name="Insert pause")).to_be_visible()

    page.get_by_label("Model", exact=True).select_option("minimax/music-2.6")
    expect(reference).to_be_hidden()
    expect(style).to_be_visible()
    expect(instrumental).to_be_visible()
    expect(page.get_by_role("button", name="Insert pause")).to_be_hidden()
    expect(page.get_by_role("button", name="[Chorus]")).to_be_visible()
    expect(page.locator("[data-counter=lyrics]")).to_have_text("0 / 3000")

    page.get_by_label("Model", exact=True).select_option("minimax/music-cover")
    expect(reference).to_be_visible()
    expect(style).to_be_visible()
    expect(instrumental).to_be_hidden()

    page.get_by_label("Model", exact=True).select_option("minimax/music-1.5")
    style.fill("x" * 301)
    expect(page.locator("[data-counter=style]")).to_have_text("301 / 300")
    expect(page.locator("[data-counter=style]")).to_have_class("counter is-over")


def test_the_section_tag_helper_builds_a_structure_preview(page, live_server, owner):
    open_new_song_page(page, live_server, owner)
    page.get_by_label("Model", exact=True).select_option("minimax/music-2.6")
    lyrics = page.get_by_label("Lyrics", exact=True)

    page.get_by_role("button", name="[Verse]").click()
    lyrics.press_sequentially("City lights are calling me home")
    page.get_by_role("button", name="[Chorus]").click()
    lyrics.press_sequentially("Sing it slow\n[Refrain]")

    expect(lyrics).to_have_value("[Verse]\nCity lights are calling me home\n[Chorus]\nSing it slow\n[Refrain]")
    expect(page.locator("[data-structure-list] li")).to_have_text(
        ["Verse", "City lights are calling me home", "Chorus", "Sing it slow", "[Refrain] is not a section tag"]
    )
    save_screenshot(page, "new-song-model-choice")


def test_a_field_hidden_by_the_model_is_not_sent(page, live_server, owner):
    open_new_song_page(page, live_server, owner)
    page.get_by_label("Model", exact=True).select_option("minimax/music-2.6")
    page.get_by_label("Instrumental (no voice)").check()  # then a model without the switch is chosen
    page.get_by_label("Model", exact=True).select_option("minimax/music-2.0")
    page.get_by_label("Style", exact=True).fill("calm piano ballad")
    page.get_by_label("Lyrics", exact=True).fill("[Verse]\nCity lights are calling me home")
    page.get_by_role("button", name="Make the song").click()

    expect(page.locator("[data-song-model]")).to_have_text("minimax/music-2.0")
    job = Job.objects.get()
    assert (job.model, job.style, job.is_instrumental, job.reference_track.name) == (
        "minimax/music-2.0",
        "calm piano ballad",
        False,
        "",
    )
