"""What a person does with a finished song in the browser, shared by the fast and the full-flow tests."""

import re

from playwright.sync_api import expect


def wait_for_waveform(page):
    """wavesurfer.js draws into a shadow root; player.js marks the figure once it is ready."""
    page.wait_for_selector("[data-player][data-waveform-ready]", timeout=15_000)
    expect(page.locator("#waveform canvas").first).to_be_attached()


def seek_by_clicking_the_waveform(page):
    waveform = page.locator("#waveform")
    box = waveform.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "() => { const a = document.querySelector('audio#song'); return a.currentTime > 0.3 * a.duration; }"
    )


def create_share_link(page):
    page.get_by_label("Link works for").select_option("7")
    page.get_by_role("button", name="Create a share link").click()
    share_url = page.locator("[data-share-url]").input_value()
    assert re.fullmatch(r"http://[^/]+/s/[A-Za-z0-9_-]{43}/", share_url)
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    return share_url


def play_shared_song_logged_out(browser, share_url, *, screenshot=None):
    """Open the link in a fresh context (no session), play, and see the audio advance."""
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(share_url)
        wait_for_waveform(page)
        page.get_by_role("button", name="Play").click()
        page.wait_for_function("() => document.querySelector('audio#song').currentTime > 0.5")
        if screenshot:
            screenshot(page)
    finally:
        context.close()


def revoke_first_link(page, browser, share_url):
    page.get_by_role("button", name="Revoke").first.click()
    expect(page.get_by_text("No links yet.")).to_be_visible()
    context = browser.new_context()
    try:
        response = context.new_page().goto(share_url)
        assert response.status == 404
    finally:
        context.close()
