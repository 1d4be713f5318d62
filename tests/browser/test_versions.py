"""Versions of one upload in a real browser: side by side, each playing in its own player, one picked."""

import re

import pytest
import soundfile
from django.urls import reverse
from playwright.sync_api import expect

from jobs.models import Job
from tests.audio_samples import REFERENCE_SONG, SHORT_SUNG_CLIP
from tests.browser.conftest import log_in, save_screenshot
from tests.web.job_data import make_completed, make_versions

pytestmark = pytest.mark.browser


def wait_for_version_waveform(page, number):
    page.wait_for_selector(f"#version-{number}-player [data-player][data-waveform-ready]", timeout=15_000)


def audio_of(number):
    return f"document.querySelector('audio#version-{number}-song')"


def is_playing(page, number):
    return page.evaluate(f"() => !{audio_of(number)}.paused")


def wait_until_it_advances(page, number, past_seconds):
    page.wait_for_function(f"() => {audio_of(number)}.currentTime > {past_seconds}")


@pytest.fixture
def sung_clip_mp3(tmp_path):
    """The 10-second sung recording as an MP3, so the two versions sound and look different."""
    samples, samplerate = soundfile.read(SHORT_SUNG_CLIP)
    path = tmp_path / "sung.mp3"
    soundfile.write(path, samples, samplerate, format="MP3")
    return path


def test_two_versions_play_side_by_side_and_the_owner_picks_one(page, live_server, owner, sung_clip_mp3):
    # The page's own version is still generating; its sibling is finished.
    mine, sibling = make_versions(owner, statuses=("generating", "generating"), prompt="Harbour lights\nSecond line")
    make_completed(sibling, song_path=REFERENCE_SONG)
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + mine.get_absolute_url())

    expect(page.get_by_role("heading", name="2 versions")).to_be_visible()
    expect(page.locator("#version-1")).to_contain_text("Generating")
    wait_for_version_waveform(page, 2)
    page.get_by_role("button", name="Play version 2").click()
    wait_until_it_advances(page, 2, 0.5)

    make_completed(mine, song_path=sung_clip_mp3)  # the page swaps in the finished job, players side by side
    wait_for_version_waveform(page, 1)
    assert is_playing(page, 2)  # the version playing was kept through the swap
    boxes = [page.locator(f"#version-{number}").bounding_box() for number in (1, 2)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]  # side by side

    page.get_by_role("button", name="Play version 1").click()
    wait_until_it_advances(page, 1, 0.5)
    assert not is_playing(page, 2)  # one version sounds at a time

    page.get_by_role("button", name="Pick version 1").click()
    expect(page.get_by_text("Version 1 is the pick.")).to_be_visible()
    expect(page.locator("#version-1")).to_contain_text("★ The pick")
    expect(page.get_by_role("button", name="Pick version 1")).to_have_count(0)
    expect(page.get_by_role("button", name="Pick version 2")).to_be_visible()
    wait_for_version_waveform(page, 2)
    save_screenshot(page, "job-versions")
    assert Job.objects.get(is_pick=True) == mine


def test_the_form_makes_two_versions_of_one_chosen_file(page, live_server, owner):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("jobs:new"))
    page.get_by_role("textbox", name="Lyrics").fill("Harbour lights\nSecond line")
    page.get_by_label("Reference song").set_input_files(REFERENCE_SONG)
    expect(page.locator("[data-reference-analysis]")).to_contain_text("60.0 s")

    page.get_by_label("Versions").select_option("2")
    page.get_by_role("button", name="Make 2 versions").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))

    expect(page.get_by_role("heading", name="2 versions")).to_be_visible()
    # Its status is whatever this run's workers (if any have started) made of it: the card is what is asserted.
    expect(page.locator("#version-2")).to_contain_text("Version 2")
    first, second = Job.objects.order_by("version_number")
    assert page.url.endswith(first.get_absolute_url())
    assert first.reference_track.name == second.reference_track.name  # the one file the page uploaded
