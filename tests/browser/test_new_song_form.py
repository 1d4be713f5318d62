"""The new-song form in a real browser: lyrics tools, structure preview, the chosen file uploaded once."""

import base64
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from playwright.sync_api import expect

from jobs.models import DraftReference, Job
from tests.audio_samples import REFERENCE_SONG, SHORT_SUNG_CLIP, tone_wav
from tests.browser.conftest import SHORT_CLIP_REJECTION, log_in

pytestmark = pytest.mark.browser

WRITTEN_LYRICS = "##\nCity lights are calling me home\n\nSing it slow and sing it low\n##"


def drop_file(page, path, mime_type):
    """Drop a file on the drop zone, as a person dragging it from their file manager would."""
    data_transfer = page.evaluate_handle(
        """([name, b64, type]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type }));
            return transfer;
        }""",
        [path.name, base64.b64encode(path.read_bytes()).decode(), mime_type],
    )
    page.dispatch_event("[data-drop-zone]", "drop", {"dataTransfer": data_transfer})


def write_lyrics_with_the_tools(page):
    lyrics = page.get_by_label("Lyrics", exact=True)
    lyrics.fill("City lights are calling me home")
    page.get_by_role("button", name="Insert pause").click()
    lyrics.press_sequentially("Sing it slow and sing it low")
    page.get_by_role("button", name="Instrumental intro/outro").click()
    return lyrics


def test_lyrics_tools_preview_the_song_structure_and_count_characters(page, live_server, owner):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("jobs:new"))
    lyrics = write_lyrics_with_the_tools(page)

    expect(lyrics).to_have_value(WRITTEN_LYRICS)
    expect(page.locator("[data-structure-list] li")).to_have_text(
        [
            "Instrumental intro",
            "City lights are calling me home",
            "Pause",
            "Sing it slow and sing it low",
            "Instrumental outro",
        ]
    )
    expect(page.locator("[data-counter=lyrics]")).to_have_text(f"{len(WRITTEN_LYRICS)} / 600")
    lyrics.fill("x" * 601)
    expect(page.locator("[data-counter=lyrics]")).to_have_class("counter is-over")


def test_dropped_short_clip_is_measured_and_rejected_with_lyrics_kept(page, live_server, owner):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("jobs:new"))
    write_lyrics_with_the_tools(page)

    drop_file(page, SHORT_SUNG_CLIP, "audio/wav")
    expect(page.locator("[data-reference-name]")).to_have_text("diffrhythm_eg_cn.wav")
    expect(page.locator("[data-reference-analysis]")).to_contain_text(SHORT_CLIP_REJECTION)

    page.get_by_role("button", name="Make the song").click()
    expect(page.locator(".field-error")).to_have_text(SHORT_CLIP_REJECTION)
    expect(page.get_by_label("Lyrics", exact=True)).to_have_value(WRITTEN_LYRICS)
    expect(page.locator("[data-structure-list] li")).to_have_count(5)  # the enhancements came back after the swap
    assert not Job.objects.exists()


def test_chosen_reference_shows_name_size_preview_and_measured_duration(page, live_server, owner):
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("jobs:new"))
    write_lyrics_with_the_tools(page)
    page.get_by_label("Reference song", exact=True).set_input_files(REFERENCE_SONG)

    expect(page.locator("[data-reference-size]")).to_have_text("1.4 MB")
    expect(page.locator("[data-reference-analysis]")).to_contain_text("60.0 s")
    expect(page.locator("[data-reference-analysis]")).to_contain_text("MP3")
    page.wait_for_function("() => document.querySelector('[data-reference-preview]').duration > 59")


def stored_references():
    _, names = default_storage.listdir("references") if default_storage.exists("references") else ([], [])
    return {f"references/{name}" for name in names}


def test_a_chosen_file_is_sent_once_and_the_job_uses_that_upload(page, live_server, owner):
    before = stored_references()
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("jobs:new"))
    write_lyrics_with_the_tools(page)
    page.get_by_label("Reference song", exact=True).set_input_files(REFERENCE_SONG)
    expect(page.locator("[data-reference-analysis]")).to_contain_text("60.0 s")
    expect(page.get_by_label("Reference song", exact=True)).to_have_value("")  # the form will send the draft's id only
    with page.expect_response(lambda response: response.url.endswith("/analysis/")):
        pass  # the page asks for the generator's analysis on its own...
    expect(page.locator("[data-upload-progress]")).to_be_hidden()  # ...which is not the form being sent

    page.get_by_role("button", name="Make the song").click()
    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}/$"))

    # Had the form sent the file again, the server would have stored a second copy for the job.
    job = Job.objects.get()
    assert stored_references() - before == {job.reference_track.name}
    assert job.reference_name == REFERENCE_SONG.name
    assert job.reference_track.size == REFERENCE_SONG.stat().st_size
    assert not DraftReference.objects.exists()


def test_a_file_larger_than_the_server_accepts_is_refused_with_the_sentence_beside_the_form(
    page, live_server, owner, settings, tmp_path
):
    settings.MUSICGEN_REFERENCE_MAX_MB = 1  # with the form's 1 MB of room, bodies over 2 MB are refused
    settings.LOCALGEN_REFERENCE_MAX_MB = 1
    too_large = tmp_path / "too large.wav"
    too_large.write_bytes(tone_wav(60.0))  # 2.6 MB at 22,050 Hz, 16-bit mono
    log_in(page, live_server.url, owner)
    page.goto(live_server.url + reverse("jobs:new"))

    drop_file(page, too_large, "audio/wav")

    expect(page.locator("[data-reference-analysis] [role=alert]")).to_contain_text("MB")
    expect(page.locator("[data-reference-analysis]")).not_to_contain_text("<html")
    assert DraftReference.objects.count() == 0
