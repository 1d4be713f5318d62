"""Lyrics that light up in a real browser: on a song the engine sang, with the timing and stems it reported."""

from pathlib import Path

import pytest
import soundfile
from playwright.sync_api import expect

from engine import render
from jobs import sharing
from tests.audio_samples import REFERENCE_SONG
from tests.browser.conftest import log_in, save_screenshot
from tests.browser.player_checks import wait_for_waveform
from tests.factories import JobFactory
from tests.web.job_data import add_timing_and_stems, make_completed

pytestmark = pytest.mark.browser

LYRICS = "##\nCity lights are calling me home\nOver the river, under the moon\n\nSing it slow and sing it low\n##"


@pytest.fixture(scope="module")
def sung(tmp_path_factory):
    """(song path, lyrics timing, {stem: MP3 bytes}) of the lyrics sung over the real reference, once."""
    folder = tmp_path_factory.mktemp("sung")
    result = render(REFERENCE_SONG, LYRICS, 5, folder / "song.mp3", stems_dir=folder)
    stems = {}
    for stem, wav in (("vocals", "vocals.wav"), ("instrumental", "accompaniment.wav")):
        samples, rate = soundfile.read(str(folder / wav), dtype="float32")
        soundfile.write(str(folder / f"{stem}.mp3"), samples, rate, format="MP3")
        stems[stem] = Path(folder / f"{stem}.mp3").read_bytes()
    return folder / "song.mp3", result.lyrics_timing, stems


@pytest.fixture
def sung_job(owner, sung):
    song_path, lyrics_timing, stems = sung
    job = make_completed(JobFactory(owner=owner, prompt=LYRICS), song_path=song_path)
    return add_timing_and_stems(
        job, lyrics_timing=lyrics_timing, vocals=stems["vocals"], instrumental=stems["instrumental"]
    )


def line(page, number):
    return page.locator("[data-lyrics-lines] li").nth(number)


def audio_time(page):
    return page.evaluate("() => document.getElementById('song').currentTime")


def test_the_line_being_sung_lights_up_as_the_song_plays_and_a_click_seeks_to_a_line(
    page, live_server, owner, sung_job
):
    timing = sung_job.lyrics_timing
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + sung_job.get_absolute_url())
    wait_for_waveform(page)
    expect(page.locator("[data-lyrics-lines] li")).to_have_count(len(timing))

    line(page, 1).get_by_role("button").click()  # seeks there, and plays

    assert audio_time(page) == pytest.approx(timing[1]["start"], abs=0.5)
    expect(line(page, 1)).to_have_attribute("aria-current", "true")
    expect(line(page, 1)).to_have_class("sung")
    # Playing on, the highlight follows the song into the next line.
    page.wait_for_function(
        "(seconds) => document.getElementById('song').currentTime > seconds",
        arg=timing[2]["start"] + 0.3,
        timeout=30_000,
    )
    expect(line(page, 2)).to_have_attribute("aria-current", "true")
    expect(line(page, 1)).not_to_have_attribute("aria-current", "true")
    page.mouse.move(0, 0)  # no hover or focus ring on the line clicked
    page.evaluate("() => document.activeElement.blur()")
    save_screenshot(page, "lyrics-lighting-up")


def test_sing_along_plays_the_instrumental_from_the_same_place_and_back(page, live_server, owner, sung_job):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + sung_job.get_absolute_url())
    wait_for_waveform(page)
    line(page, 0).get_by_role("button").click()
    page.wait_for_function("() => document.getElementById('song').currentTime > 0")

    page.get_by_role("switch", name="Sing along").check()

    page.wait_for_function("() => document.getElementById('song').src.includes('/stems/instrumental/')")
    page.wait_for_function(
        "(seconds) => document.getElementById('song').currentTime >= seconds && !document.getElementById('song').paused",
        arg=sung_job.lyrics_timing[0]["start"],
    )
    page.get_by_role("switch", name="Sing along").uncheck()
    page.wait_for_function("() => document.getElementById('song').src.endsWith('/song/')")


def test_the_share_page_lights_up_lines_for_whoever_has_the_link(page, live_server, owner, sung_job):
    _, token = sharing.share_link_create(job=sung_job, created_by=owner)
    page.goto(f"{live_server.url}/s/{token}/")
    wait_for_waveform(page)

    line(page, 2).get_by_role("button").click()

    expect(line(page, 2)).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("switch", name="Sing along")).to_be_visible()


def test_with_versions_on_the_page_a_click_on_a_line_seeks_this_versions_player(page, live_server, owner, sung_job):
    from uuid import uuid4

    sung_job.version_group, sung_job.version_number = uuid4(), 2
    sung_job.save(update_fields=["version_group", "version_number"])
    make_completed(JobFactory(owner=owner, prompt=LYRICS, version_group=sung_job.version_group, version_number=1))
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + sung_job.get_absolute_url())

    line(page, 1).get_by_role("button").click()

    seconds = page.evaluate("() => document.getElementById('version-2-song').currentTime")
    assert seconds == pytest.approx(sung_job.lyrics_timing[1]["start"], abs=0.5)
    expect(line(page, 1)).to_have_class("sung")
