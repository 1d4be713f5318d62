from jobs.checks import music_api_settings


def test_missing_api_key_is_reported(settings):
    settings.MUSICGEN_API_KEY = ""

    assert [problem.id for problem in music_api_settings(None)] == ["musicgen.W001"]


def test_hosted_api_with_a_loopback_public_url_is_reported(settings):
    settings.MUSICGEN_API_BASE_URL = "https://api.aimlapi.com"
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"

    assert [problem.id for problem in music_api_settings(None)] == ["musicgen.W002"]


def test_local_service_on_loopback_with_a_key_is_fine(settings):
    settings.MUSICGEN_API_BASE_URL = "http://127.0.0.1:8000"

    assert music_api_settings(None) == []
