"""The Content-Security-Policy every page sends, and templates that need nothing inline.

tests/browser/test_content_security_policy.py checks in Chromium that the pages really run under it.
"""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from tests.web.settings_process import settings_values

TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"
TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)
# What a policy without 'unsafe-inline' refuses: inline scripts and styles, style attributes, event handlers.
INLINE_CODE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I
)


def policy_of(response):
    """{directive: its sources} of the response's Content-Security-Policy header."""
    directives = (part.strip().partition(" ") for part in response["Content-Security-Policy"].split(";"))
    return {name: sources for name, _, sources in directives}


def test_pages_allow_only_our_own_files(client, db):
    policy = policy_of(client.get(reverse("login")))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert all("unsafe-inline" not in sources and "unsafe-eval" not in sources for sources in policy.values())


def test_the_pages_nonce_is_the_one_the_player_reads(owner_client, completed_job):
    response = owner_client.get(completed_job.get_absolute_url())
    nonce = re.search(r'<meta name="csp-nonce" content="([^"]+)">', response.content.decode()).group(1)
    assert f"'nonce-{nonce}'" in policy_of(response)["style-src"]


def test_audio_may_come_from_the_s3_endpoint_when_songs_are_stored_there():
    values = settings_values(
        "CONTENT_SECURITY_POLICY",
        MUSICGEN_STORAGE="s3",
        MUSICGEN_S3_BUCKET="songs",
        MUSICGEN_S3_ENDPOINT_URL="https://files.example.org:9000/",
    )
    assert "https://files.example.org:9000" in values["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["media-src"]


def test_no_template_has_inline_scripts_styles_or_event_handlers():
    offenders = [
        f"{template.relative_to(TEMPLATES_DIR)}: {match.group(0).strip()}"
        for template in TEMPLATES_DIR.rglob("*.html")
        for match in INLINE_CODE.finditer(TEMPLATE_COMMENT.sub("", template.read_text()))
    ]
    assert offenders == []
