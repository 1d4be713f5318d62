"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Set MUSICGEN_SCREENSHOTS=docs/screenshots to have the tests refresh the screenshots in the docs.
"""

import os
from pathlib import Path

import pytest
from django.urls import reverse

PASSWORD = "correct horse battery"  # tests/factories.py UserFactory
PHONE_WIDTH = {"width": 390, "height": 844}
SHORT_CLIP_REJECTION = "This file is 10.0 s long; the reference must be longer than 15 s."  # SHORT_SUNG_CLIP


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium"}


def log_in(page, base_url, user):
    page.goto(base_url + reverse("login"))
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base_url + reverse("jobs:history"))


def save_screenshot(page, name):
    """Write docs/screenshots/<name>.png when asked to (the PNGs are committed, not rewritten on every run)."""
    folder = os.environ.get("MUSICGEN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
