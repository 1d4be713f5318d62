"""The processes a benchmark runs against, started as production starts them, on loopback.

Commands come from docker-compose.yml (gunicorn's and the Celery workers'), as
tests/deploy/test_production_shape.py takes them; every benchmark gets a Redis of its own (nothing
kept on disk) and a PostgreSQL database of its own, so a benchmark never shares state with a test
run or `make run` on the same machine.
"""

import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import requests
import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
COMPOSE_FILE = PROJECT_DIR / "docker-compose.yml"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"  # the server `make bench` ensures, as tests/settings.py uses
MIGRATED_TEMPLATE = "musicgen_bench_template"
REAL_REFERENCE = PROJECT_DIR.parent / "shared" / "ref" / "acestep_test_track_001.mp3"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Processes:
    """Started in their own process groups, so stopping one also stops its children (gunicorn's, Celery's)."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.running.append(process)
        return process

    def wait_for_log(self, name: str, process: subprocess.Popen, text: str, timeout: float = 120) -> None:
        """Wait until the log of the process started as `name` contains `text` (a Celery worker's "ready.")."""
        deadline = time.monotonic() + timeout
        while text not in (self.log_dir / f"{name}.log").read_text(errors="replace"):
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with {process.returncode}; see {self.log_dir / name}.log")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not log {text!r} within {timeout:.0f} s")
            time.sleep(0.3)

    def stop(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.running.remove(process)

    def stop_all(self) -> None:
        for process in reversed(list(self.running)):
            self.stop(process)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop_all()


def wait_for_http(url: str, *, processes=(), timeout: float = 120) -> requests.Response:
    """Wait until `url` gives any HTTP answer, failing early if one of `processes` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{shlex.join(process.args[:4])} exited with {process.returncode}")
        try:
            return requests.get(url, timeout=10, allow_redirects=False)
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def start_redis(processes: Processes) -> str:
    """A Redis of this benchmark's own on a free port, keeping nothing on disk; returns its URL."""
    port = free_port()
    redis_server = processes.start(
        "redis", ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return f"redis://127.0.0.1:{port}"
        except OSError:
            if time.monotonic() > deadline or redis_server.poll() is not None:
                raise RuntimeError(f"redis-server on port {port} did not start") from None
            time.sleep(0.05)


def database_url(name: str) -> str:
    return f"{POSTGRES_URL}/{name}"


def recreate_database(name: str, *, template: str = "template1") -> None:
    """A PostgreSQL database `name` copied from `template` (dropped first if a previous run left it)."""
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def create_migrated_database(name: str, env: dict) -> None:
    """A new database `name` with every migration applied, copied from a migrated template.

    Migrating takes minutes on a busy machine: the template (MIGRATED_TEMPLATE) is migrated once and
    again only when `migrate --check` finds migrations it lacks; each benchmark gets a fresh copy.
    """
    template_env = env | {"DATABASE_URL": database_url(MIGRATED_TEMPLATE)}
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [MIGRATED_TEMPLATE]).fetchone()
    if not exists:
        recreate_database(MIGRATED_TEMPLATE)
    try:
        manage(template_env, "migrate", "--check")
    except RuntimeError:
        manage(template_env, "migrate", "--no-input")
    recreate_database(name, template=MIGRATED_TEMPLATE)


def production_env(var: Path, *, database_url: str, redis_url: str, base_url: str, **settings: str) -> dict:
    """The environment the compose services get (MUSICGEN_DEBUG=false), pointed at this benchmark's parts."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MUSICGEN_", "DJANGO_", "CELERY_"))}
    run = secrets.token_hex(4)
    env.update(
        DJANGO_SETTINGS_MODULE="musicgen.settings",
        PYTHONPATH=str(PROJECT_DIR),
        MUSICGEN_DEBUG="false",
        MUSICGEN_SECRET_KEY=secrets.token_urlsafe(50),
        MUSICGEN_ALLOWED_HOSTS="127.0.0.1,localhost",
        MUSICGEN_PUBLIC_BASE_URL=base_url,
        MUSICGEN_API_BASE_URL=base_url,
        MUSICGEN_VAR_DIR=str(var),
        MUSICGEN_STATIC_ROOT=str(var / "static"),
        DATABASE_URL=database_url,
        MUSICGEN_DB_CONN_MAX_AGE="60",  # as compose sets it
        CELERY_BROKER_URL=f"{redis_url}/0",
        MUSICGEN_CACHE_URL=f"{redis_url}/1",
        MUSICGEN_APP_QUEUE=f"bench-default-{run}",
        MUSICGEN_ENGINE_QUEUE=f"bench-engine-{run}",
    )
    env.update(settings)
    return env


@dataclass
class ProductionStack:
    """A benchmark's folder, processes and production environment, with gunicorn's port chosen."""

    var: Path
    processes: Processes
    env: dict
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_web(self, ready_path: str) -> None:
        """gunicorn as the web service runs it; returns once `ready_path` answers."""
        web = self.processes.start("web", gunicorn_command(self.port), self.env)
        wait_for_http(f"{self.base_url}{ready_path}", processes=[web])


@contextmanager
def production_stack(name: str, database: str, **settings: str) -> Iterator[ProductionStack]:
    """A temporary folder, a Redis of its own and a freshly migrated `database`, with production's settings
    and `settings` on top; every process started through it is stopped and the folder removed at the end."""
    with tempfile.TemporaryDirectory(prefix=f"musicgen-bench-{name}-") as folder:
        var = Path(folder)
        with Processes(var / "logs") as processes:
            port = free_port()
            env = production_env(
                var,
                database_url=database_url(database),
                redis_url=start_redis(processes),
                base_url=f"http://127.0.0.1:{port}",
                **settings,
            )
            create_migrated_database(database, env)
            yield ProductionStack(var, processes, env, port)


def manage(env: dict, *arguments: str) -> str:
    """Run a management command as the web service does before it starts; returns what it printed."""
    finished = subprocess.run(
        [sys.executable, "manage.py", *arguments], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    if finished.returncode:
        raise RuntimeError(f"manage.py {' '.join(arguments)} failed:\n{finished.stderr[-2000:]}")
    return finished.stdout


def call_with_django(env: dict, function: str, **arguments):
    """Call `module:function(**arguments)` in a fresh Django process with `env`; return what it returns (JSON)."""
    module, name = function.split(":")
    code = (
        "import json, sys, django; django.setup(); "
        f"from {module} import {name}; "
        f"print(json.dumps({name}(**json.loads(sys.argv[1]))))"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code, json.dumps(arguments)], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )
    if finished.returncode:
        raise RuntimeError(f"{function} failed:\n{finished.stderr[-2000:]}")
    return json.loads(finished.stdout.splitlines()[-1])


def _compose_command(service: str) -> str:
    return " ".join(yaml.safe_load(COMPOSE_FILE.read_text())["services"][service]["command"].split())


def gunicorn_command(port: int) -> list[str]:
    """The web service's gunicorn, with its options from docker-compose.yml, on a loopback port."""
    command = _compose_command("web").split("exec gunicorn", 1)[1].rstrip('"')
    command = command.replace("0.0.0.0:8000", f"127.0.0.1:{port}")
    return [sys.executable, "-m", "gunicorn", *shlex.split(command)]


def celery_worker_command(service: str, name: str, queue: str, concurrency: int) -> list[str]:
    """An app or engine worker as the compose service `service` runs it, with our node name, queue and concurrency."""
    arguments = shlex.split(_compose_command(service))
    assert arguments[:2] == ["celery", "-A"], arguments
    options = dict(zip(arguments, arguments[1:], strict=False))
    command = [sys.executable, "-m", *arguments]
    command[command.index(options["-n"])] = f"{name}@%h"
    command[command.index(options["-Q"])] = queue
    command[command.index(options["-c"])] = str(concurrency)
    return command


def peak_rss_mb(pid: int) -> float:
    """The peak resident memory (VmHWM) of a running process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def machine() -> str:
    """Cores, memory and CPU model of this machine, for the report's header."""
    model = next(
        (line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown"
    )
    memory_kb = next(int(line.split()[1]) for line in open("/proc/meminfo") if line.startswith("MemTotal:"))
    return f"{os.cpu_count()} cores, {memory_kb / 1024**2:.0f} GB RAM, {model}"
