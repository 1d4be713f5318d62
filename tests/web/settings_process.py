"""Settings are read once per process: production settings are checked in a process of their own.

The child gets this machine's environment without the test suite's settings values, plus the ones
a test names, so what it sees is what an operator's environment would give.
"""

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def strong_secret_key() -> str:
    return secrets.token_urlsafe(50)


def production_env(**overrides: str) -> dict[str, str]:
    suite_only = ("MUSICGEN_", "DJANGO_", "DATABASE_URL", "CELERY_")  # the child uses its own SQLite file
    env = {name: value for name, value in os.environ.items() if not name.startswith(suite_only)}
    env.update(
        DJANGO_SETTINGS_MODULE="musicgen.settings",
        MUSICGEN_VAR_DIR=tempfile.mkdtemp(prefix="musicgen-settings-"),
        MUSICGEN_API_KEY="mg_any_key",  # without one, musicgen.W001 warns (a separate matter)
        PYTHONPATH=str(PROJECT_DIR),
    )
    env.update(overrides)
    return env


def run_python(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        check=False,
        cwd=PROJECT_DIR,
        env=production_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_values(*names: str, **env: str) -> dict:
    """The named values of musicgen/settings.py as a process started with `env` reads them."""
    program = f"import json, musicgen.settings as s; print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))"
    finished = run_python("-c", program, **env)
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout.splitlines()[-1])


def settings_value(name: str, **env: str) -> str:
    return str(settings_values(name, **env)[name])
