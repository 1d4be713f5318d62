"""The production shape without containers: the processes docker-compose.yml starts, started here the same way.

Each service's command is read from docker-compose.yml and run with only its addresses changed (the
compose services reach each other by name; here everything is on loopback ports): nginx from Debian
with deploy/nginx.conf.template, gunicorn for the web app and for the local service's API, the app
worker, the engine worker, beat, a Redis with an append-only file, S3 on moto's server, and the test
PostgreSQL database, with MUSICGEN_DEBUG=false and a real secret key. Then a person's whole visit
goes through nginx over HTTP: log in, upload, the song completes, a share link plays with Range.
"""

import os
import re
import shutil
import socket
import sys
import time
from pathlib import Path

import pytest
import requests
import yaml
from django.conf import settings
from django.db import connection

from bench.stack import Processes, free_port, production_env, wait_for_http
from jobs.models import Job
from tests.audio_samples import REFERENCE_SONG
from tests.conftest import start_s3_server
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROJECT_DIR = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())
NGINX_TEMPLATE = (PROJECT_DIR / "deploy" / "nginx.conf.template").read_text()
BUCKET = "musicgen-production-shape"
LYRICS = "Morning trains are running late\nWe sing along and wait"


def fill_template(template: str, values: dict[str, str]) -> str:
    """What envsubst does in the nginx image: replace each ${NAME}; a name left unset is an error."""
    missing = set(re.findall(r"\$\{([A-Z0-9_]+)\}", template)) - values.keys()
    assert not missing, f"the nginx template needs {sorted(missing)}"
    return re.sub(r"\$\{([A-Z0-9_]+)\}", lambda match: values[match.group(1)], template)


def nginx_main_config(var: Path, server_config: Path) -> str:
    """The parts the nginx image provides around its templates: the http block, logs, temp folders."""
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""
        {user}
        daemon off;
        worker_processes 1;
        pid {var}/nginx.pid;
        error_log {var}/nginx-error.log warn;
        events {{ worker_connections 256; }}
        http {{
            include /etc/nginx/mime.types;
            default_type application/octet-stream;
            access_log {var}/nginx-access.log;
            client_body_temp_path {var}/nginx-body;
            proxy_temp_path {var}/nginx-proxy;
            fastcgi_temp_path {var}/nginx-fastcgi;
            uwsgi_temp_path {var}/nginx-uwsgi;
            scgi_temp_path {var}/nginx-scgi;
            include {server_config};
        }}
    """


def compose_command(service: str, replacements: dict[str, str]) -> list[str]:
    """The service's command from docker-compose.yml, with container addresses and paths swapped for ours."""
    command = " ".join(COMPOSE["services"][service]["command"].split())
    for container_value, local_value in replacements.items():
        command = command.replace(container_value, local_value)
    return ["sh", "-c", command]


@pytest.fixture(scope="module")
def production(tmp_path_factory, django_db_setup):
    """Every process of the compose file, on loopback; yields the base URL browsers use (nginx)."""
    if not shutil.which("nginx"):
        pytest.skip("nginx is not installed; `make test` installs Debian's nginx.")
    var = tmp_path_factory.mktemp("production")
    logs = var / "logs"
    logs.mkdir()
    ports = {name: free_port() for name in ("nginx", "web", "api", "redis", "s3")}
    public_url = f"http://127.0.0.1:{ports['nginx']}"
    s3_url = f"http://127.0.0.1:{ports['s3']}"
    processes = Processes(logs)
    s3 = None
    try:
        (var / "redis").mkdir()
        processes.start(
            "redis",
            ["redis-server", "--bind", "127.0.0.1", "--port", str(ports["redis"]), "--dir", str(var / "redis"),
             "--appendonly", "yes", "--appendfsync", "everysec", "--save", ""],
        )  # fmt: skip
        s3 = start_s3_server(s3_url, bucket=BUCKET, access_key="app", secret_key="app-secret")

        db = connection.settings_dict
        env = production_env(
            var,
            database_url=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            redis_url=f"redis://127.0.0.1:{ports['redis']}",
            base_url=public_url,
            MUSICGEN_STORAGE="s3",
            MUSICGEN_S3_BUCKET=BUCKET,
            MUSICGEN_S3_ENDPOINT_URL=s3_url,
            MUSICGEN_S3_ACCESS_KEY_ID="app",
            MUSICGEN_S3_SECRET_ACCESS_KEY="app-secret",
            MUSICGEN_API_BASE_URL=f"http://127.0.0.1:{ports['api']}",
        )
        web_env = env | {"MUSICGEN_S3_PUBLIC_ENDPOINT_URL": public_url}  # as compose sets it, on web only
        python = sys.executable
        replacements = {
            "python manage.py": f"{python} manage.py",
            "gunicorn musicgen.wsgi": f"{python} -m gunicorn musicgen.wsgi",
            "celery -A": f"{python} -m celery -A",
            "var/localgen-app.key": str(var / "localgen-app.key"),
            "/tmp/celerybeat-schedule": str(var / "celerybeat-schedule"),
        }

        # web migrates, collects static files and writes the app's key before the others start (compose:
        # depends_on web healthy); its /health/ waits for api, so readiness here is "answers at all".
        web = processes.start(
            "web", compose_command("web", replacements | {"0.0.0.0:8000": f"127.0.0.1:{ports['web']}"}), web_env
        )
        wait_for_http(f"http://127.0.0.1:{ports['web']}/accounts/login/", processes=[web])
        api = processes.start(
            "api", compose_command("api", replacements | {"0.0.0.0:8000": f"127.0.0.1:{ports['api']}"}), env
        )
        wait_for_http(f"http://127.0.0.1:{ports['api']}/health/", processes=[api])
        for service in ("worker", "engine", "beat"):
            processes.start(service, compose_command(service, replacements), env)

        server_config = var / "musicgen-nginx.conf"
        server_config.write_text(
            fill_template(
                NGINX_TEMPLATE,
                {
                    "NGINX_PORT": f"127.0.0.1:{ports['nginx']}",
                    "MUSICGEN_WEB_UPSTREAM": f"127.0.0.1:{ports['web']}",
                    "MUSICGEN_API_UPSTREAM": f"127.0.0.1:{ports['api']}",
                    "MUSICGEN_S3_UPSTREAM": f"127.0.0.1:{ports['s3']}",
                    "MUSICGEN_S3_BUCKET": BUCKET,
                    "MUSICGEN_STATIC_ROOT": str(var / "static"),
                    "MUSICGEN_REFERENCE_MAX_MB": str(settings.MUSICGEN_REFERENCE_MAX_MB),
                },
            )
        )
        main_config = var / "nginx.conf"
        main_config.write_text(nginx_main_config(var, server_config))
        nginx = processes.start("nginx", ["nginx", "-c", str(main_config), "-e", str(var / "nginx-error.log")])
        wait_for_http(f"{public_url}/accounts/login/", processes=[nginx])
        yield public_url
    finally:
        processes.stop_all()
        if s3 is not None:
            s3.terminate()
            s3.wait(timeout=10)


def log_in(session: requests.Session, base_url: str, username: str, password: str):
    login_page = session.get(f"{base_url}/accounts/login/", timeout=10)
    response = session.post(
        f"{base_url}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf_token(login_page.text)},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, "the login was refused"


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def wait_until_final(job_id, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = Job.objects.get(id=job_id)
        if job.is_final:
            return job
        time.sleep(0.5)
    raise AssertionError(f"job still {job.status} ({job.upstream_status}) after {timeout} s")


def test_upload_to_shared_song_through_nginx_in_the_production_shape(production, settings):
    base_url = production
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # what the web app checks with
    UserFactory(username="producer")
    person = requests.Session()
    log_in(person, base_url, "producer", "correct horse battery")

    new_page = person.get(f"{base_url}/jobs/new/", timeout=10)
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', new_page.text).group(1)
    assert person.get(f"{base_url}{stylesheet}", timeout=10).status_code == 200  # nginx serves collected files

    with REFERENCE_SONG.open("rb") as reference:
        uploaded = person.post(
            f"{base_url}/jobs/new/",
            data={"prompt": LYRICS, "csrfmiddlewaretoken": csrf_token(new_page.text)},
            files={"reference_track": (REFERENCE_SONG.name, reference, "audio/mpeg")},
            timeout=60,
            allow_redirects=False,
        )
    assert uploaded.status_code == 302, uploaded.text[:500]
    job_id = uploaded.headers["Location"].rstrip("/").rsplit("/", 1)[-1]

    job = wait_until_final(job_id)
    assert job.status == Job.Status.COMPLETED, job.error

    job_page = person.get(f"{base_url}/jobs/{job_id}/", timeout=10)
    shared = person.post(
        f"{base_url}/jobs/{job_id}/share/",
        data={"expiry": "7", "csrfmiddlewaretoken": csrf_token(job_page.text)},
        timeout=10,
    )
    share_url = re.search(r'value="(http[^"]+/s/[^"/]+/)"', shared.text).group(1)
    assert share_url.startswith(base_url)

    anonymous = requests.Session()
    assert "We sing along and wait" in anonymous.get(share_url, timeout=10).text
    audio = anonymous.get(f"{share_url}audio/", headers={"Range": "bytes=0-1023"}, timeout=10)
    assert audio.history and audio.history[0].status_code == 302  # to a presigned link, signed for nginx's address
    assert audio.url.startswith(f"{base_url}/{BUCKET}/")
    assert audio.status_code == 206 and len(audio.content) == 1024


def test_health_through_nginx_is_ok_when_every_part_answers(production):
    health = requests.get(f"{production}/health/", timeout=30)
    assert health.status_code == 200, health.text
    assert health.json()["status"] == "ok"


def test_nginx_stops_an_upload_over_the_size_cap_with_a_sentence(production):
    too_large = (settings.MUSICGEN_REFERENCE_MAX_MB + 1) * 1024 * 1024
    # Only the declared length is sent: nginx answers from the headers, before reading any of the body.
    host, port = production.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        raw.sendall(
            f"POST /jobs/new/ HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            f"Content-Length: {too_large}\r\nConnection: close\r\n\r\n".encode()
        )
        raw.shutdown(socket.SHUT_WR)  # no body is coming: nginx need not linger for one
        answer = raw.makefile("rb").read().decode(errors="replace")
    assert answer.startswith("HTTP/1.1 413")
    assert f"larger than the {settings.MUSICGEN_REFERENCE_MAX_MB} MB limit" in answer
