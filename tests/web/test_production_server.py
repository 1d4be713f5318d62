"""`MUSICGEN_DEBUG=false make run` works on loopback: the real server process serves pages and static files."""

import re
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.web.settings_process import PROJECT_DIR, production_env, run_python, strong_secret_key


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_page(url, server, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}: {server.stdout.read()}")
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within {timeout} s")


@pytest.fixture
def production_server(tmp_path):
    """collectstatic, then runserver (as the Procfile runs it) with DEBUG off, on a free loopback port."""
    env = {"MUSICGEN_DEBUG": "false", "MUSICGEN_SECRET_KEY": strong_secret_key(), "MUSICGEN_STATIC_ROOT": str(tmp_path)}
    collected = run_python("manage.py", "collectstatic", "--no-input", "--skip-checks", **env)
    assert collected.returncode == 0, collected.stderr
    port = free_loopback_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=PROJECT_DIR,
        env=production_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_with_debug_off_the_login_page_and_its_static_files_load(production_server):
    base_url, server = production_server
    login_page = wait_for_page(base_url + "/accounts/login/", server)
    assert login_page.status_code == 200
    stylesheet = re.search(r'href="(/static/css/musicgen\.[0-9a-f]{12}\.css)"', login_page.text).group(1)
    css = requests.get(base_url + stylesheet, timeout=5)
    assert css.status_code == 200
    assert ".htmx-indicator" in css.text
    assert "immutable" in css.headers["Cache-Control"]  # whitenoise, serving the hashed name
