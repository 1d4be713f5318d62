"""Cross-setting checks, run by `manage.py check` and at every start, with stable ids."""

from urllib.parse import urlparse

from django.conf import settings
from django.core.checks import Warning, register

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@register()
def music_api_settings(app_configs, **kwargs):
    problems = []
    if not settings.MUSICGEN_API_KEY:
        problems.append(
            Warning(
                "MUSICGEN_API_KEY is not set, so every job will be refused by the generator.",
                hint="`make run` creates a key for the local service; or run `python manage.py "
                "create_generation_key app --key-file var/localgen-app.key`, or set MUSICGEN_API_KEY.",
                id="musicgen.W001",
            )
        )
    hosted = urlparse(settings.MUSICGEN_API_BASE_URL).hostname not in LOOPBACK_HOSTS
    served_by_us = settings.STORAGE_BACKEND == "filesystem"
    if hosted and served_by_us and urlparse(settings.PUBLIC_BASE_URL).hostname in LOOPBACK_HOSTS:
        problems.append(
            Warning(
                f"The music API at {settings.MUSICGEN_API_BASE_URL} cannot fetch references from "
                f"MUSICGEN_PUBLIC_BASE_URL={settings.PUBLIC_BASE_URL}, a loopback address.",
                hint="Set MUSICGEN_PUBLIC_BASE_URL to an address the generator reaches, or use S3 storage "
                "(MUSICGEN_STORAGE=s3), whose presigned URLs it fetches directly.",
                id="musicgen.W002",
            )
        )
    return problems
