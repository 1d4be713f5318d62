"""MUSICGEN_DEBUG=false with MUSICGEN_HTTPS=true is a production configuration Django's deploy check accepts."""

import subprocess

import pytest
from django.urls import reverse

from musicgen.settings import DEVELOPMENT_SECRET_KEY
from tests.web.settings_process import PROJECT_DIR, run_python, settings_values, strong_secret_key

PRODUCTION = {"MUSICGEN_DEBUG": "false", "MUSICGEN_HTTPS": "true"}
DEPLOY_CHECK = ("manage.py", "check", "--deploy", "--fail-level", "WARNING")
ONE_YEAR = 365 * 24 * 3600


def test_the_deploy_check_passes_behind_https_with_a_strong_key():
    finished = run_python(*DEPLOY_CHECK, MUSICGEN_SECRET_KEY=strong_secret_key(), **PRODUCTION)
    assert finished.returncode == 0, finished.stdout + finished.stderr


def test_the_deploy_check_fails_without_the_https_switch():
    finished = run_python(*DEPLOY_CHECK, MUSICGEN_DEBUG="false", MUSICGEN_SECRET_KEY=strong_secret_key())
    assert finished.returncode != 0
    assert "security.W008" in finished.stderr  # SECURE_SSL_REDIRECT


def env_example_value(name: str) -> str:
    lines = (PROJECT_DIR / ".env.example").read_text().splitlines()
    return next(line.split("=", 1)[1] for line in lines if line.startswith(f"{name}="))


def start_without_debug(secret_key: str, https: str) -> subprocess.CompletedProcess:
    return run_python(
        "manage.py", "check", MUSICGEN_DEBUG="false", MUSICGEN_HTTPS=https, MUSICGEN_SECRET_KEY=secret_key
    )


@pytest.mark.parametrize("https", ["true", "false"])
def test_the_development_secret_key_is_refused_when_debug_is_off(https):
    finished = start_without_debug(DEVELOPMENT_SECRET_KEY, https)
    assert finished.returncode != 0
    assert (
        "MUSICGEN_SECRET_KEY is the development key, which anyone can read in musicgen/settings.py" in finished.stderr
    )


@pytest.mark.parametrize("https", ["true", "false"])
def test_the_placeholder_of_env_example_is_refused_when_debug_is_off(https):
    finished = start_without_debug(env_example_value("MUSICGEN_SECRET_KEY"), https)
    assert finished.returncode != 0
    assert "MUSICGEN_SECRET_KEY is still the placeholder copied from .env.example" in finished.stderr


@pytest.mark.parametrize("https", ["true", "false"])
def test_a_secret_key_shorter_than_50_characters_is_refused_when_debug_is_off(https):
    finished = start_without_debug(strong_secret_key()[:49], https)
    assert finished.returncode != 0
    assert "MUSICGEN_SECRET_KEY is only 49 characters long" in finished.stderr
    assert "set it to at least 50 random characters" in finished.stderr


def test_a_refused_secret_key_never_appears_in_the_error():
    short_key = strong_secret_key()[:40]
    finished = start_without_debug(short_key, "false")
    assert finished.returncode != 0
    assert short_key not in finished.stdout + finished.stderr


def test_a_strong_secret_key_starts_without_https():
    finished = start_without_debug(strong_secret_key(), "false")
    assert finished.returncode == 0, finished.stderr


def test_a_missing_secret_key_is_refused_when_debug_is_off():
    finished = run_python("manage.py", "check", MUSICGEN_DEBUG="false")
    assert finished.returncode != 0
    assert "MUSICGEN_SECRET_KEY must be set when MUSICGEN_DEBUG is false." in finished.stderr


def test_the_https_switch_turns_on_hsts_secure_cookies_and_the_proxy_header():
    values = settings_values(
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER", "SECURE_SSL_REDIRECT",
        MUSICGEN_HTTPS="true",
    )  # fmt: skip
    assert values == {
        "SECURE_HSTS_SECONDS": ONE_YEAR,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_SSL_REDIRECT": True,
    }


def test_without_the_https_switch_cookies_work_over_plain_http():
    values = settings_values("SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER")
    assert values == {"SESSION_COOKIE_SECURE": None, "SECURE_SSL_REDIRECT": None, "SECURE_PROXY_SSL_HEADER": None}


def test_csrf_trusted_origins_default_to_the_public_base_urls_origin():
    values = settings_values("CSRF_TRUSTED_ORIGINS", MUSICGEN_PUBLIC_BASE_URL="https://music.example.org/")
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://music.example.org"]


def test_csrf_trusted_origins_can_be_set_explicitly():
    values = settings_values(
        "CSRF_TRUSTED_ORIGINS",
        MUSICGEN_PUBLIC_BASE_URL="https://music.example.org",
        MUSICGEN_CSRF_TRUSTED_ORIGINS="https://a.example.org,https://b.example.org",
    )
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://a.example.org", "https://b.example.org"]


def test_plain_http_requests_are_redirected_to_https_except_the_health_check(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = settings_values("SECURE_REDIRECT_EXEMPT", MUSICGEN_HTTPS="true")[
        "SECURE_REDIRECT_EXEMPT"
    ]
    response = client.get(reverse("login"))
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get("/health/").status_code != 301
