"""Whom a per-client limit counts: REMOTE_ADDR, or behind trusted proxies the address they saw."""

from django.test import RequestFactory

from plumbing.ratelimit import client_address
from tests.web.settings_process import settings_value


def request_from(remote_addr, forwarded_for=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_one_proxy_the_client_is_the_address_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    spoofed_then_real = "198.51.100.1, 203.0.113.7"
    assert client_address(request_from("10.0.0.2", spoofed_then_real)) == "203.0.113.7"


def test_behind_two_proxies_the_client_is_what_the_outer_one_saw(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_address(request_from("10.0.0.2", "198.51.100.1, 203.0.113.7, 10.0.0.9")) == "203.0.113.7"


def test_a_proxy_that_sent_no_forwarded_header_leaves_the_connection_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from("10.0.0.2")) == "10.0.0.2"


def test_https_mode_trusts_one_proxy_by_default():
    """MUSICGEN_HTTPS=true means a proxy is in front; nothing else needs setting for the usual one."""
    assert settings_value("TRUSTED_PROXY_COUNT", MUSICGEN_HTTPS="true") == "1"
    assert settings_value("TRUSTED_PROXY_COUNT", MUSICGEN_HTTPS="false") == "0"
