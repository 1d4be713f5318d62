"""The real parts the job-flow benchmarks run on, and the loopback upstream they run against.

bench/jobs_in_flight.py, bench/orchestration.py and bench/noticing_completion.py each measure in a
process of their own (`measured_in_own_process`), configured by bench/flow_settings.py, so that
`bench/run_all.py` can import every benchmark into one process whatever settings the others use.
In that process: PostgreSQL (database `musicgen_bench_flow`), Redis as broker and cache, real Celery
app workers (`celery -A bench.flow_worker worker`), the app's own code (jobs/flow.py), and
`SlowUpstream`: the music API's contract on loopback, each generation completing a set time after
it was sent, the upstream a benchmark is about by design.
"""

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

PROJECT_DIR = Path(__file__).resolve().parent.parent
SETTINGS_MODULE = "bench.flow_settings"


# --- one process per benchmark ------------------------------------------------------------------


def measured_in_own_process(module: str, quick: bool) -> list:
    """Run `python -m module --rows-json` with the flow benchmarks' settings; its rows."""
    from bench.report import Row

    # Only the environment a process needs to run: a database, broker or queue that a caller (another
    # benchmark in bench/run_all.py) set for itself must not reach this one, which empties its database.
    env = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR") if name in os.environ}
    env.update(DJANGO_SETTINGS_MODULE=SETTINGS_MODULE, PYTHONPATH=str(PROJECT_DIR))
    command = [sys.executable, "-m", module, "--rows-json", *(["--quick"] if quick else [])]
    answer = subprocess.run(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return [Row(**row) for row in json.loads(answer.stdout.strip().splitlines()[-1])]


def main(module_doc: str, measure, measure_here) -> None:
    """The command line of a flow benchmark: its table, or (for `measured_in_own_process`) its rows as JSON."""
    from bench.report import print_table

    parser = argparse.ArgumentParser(description=module_doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer jobs: a smoke run, not a measurement")
    parser.add_argument("--rows-json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rows_json:
        print(json.dumps([asdict(row) for row in measure_here(args.quick)]))
    else:
        print_table(measure(quick=args.quick))


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values, share):
    """The `share` (0..1) quantile of `values`, interpolated."""
    ordered = sorted(values)
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(share * 100) - 1]


# --- the database and the app's objects ---------------------------------------------------------


def django_ready() -> None:
    """Set up Django on the benchmark database: created if missing, migrated, and empty of jobs."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    _create_database_if_missing()
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    jobs_forget()


def _create_database_if_missing() -> None:
    import psycopg

    url = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/musicgen_bench_flow"))
    name = url.path.lstrip("/")
    with psycopg.connect(f"postgresql://{url.netloc}/postgres", autocommit=True) as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            server.execute(f'CREATE DATABASE "{name}"')


def jobs_forget() -> None:
    """Delete every job and the learned poll schedule, so one run's history never shapes the next's."""

    from jobs.models import Job
    from jobs.polling import forget_learned_windows

    Job.objects.all().delete()  # rows only: the reference files live in this run's temporary directory
    forget_learned_windows()


def bench_owner():
    from django.contrib.auth import get_user_model

    from teams.selectors import teams_of

    owner, _ = get_user_model().objects.get_or_create(username="flow-bench")
    return owner, teams_of(owner).order_by("id").first()


def send_jobs(count: int, *, every_seconds: float) -> None:
    """`count` jobs made as the new-song page makes them from a validated upload (jobs/flow.job_create),
    one every `every_seconds`."""
    from django.core.files.base import ContentFile

    from jobs import audio, flow

    owner, team = bench_owner()
    reference = tone_wav(16.0)
    reference_info = audio.measure_reference(ContentFile(reference, name="reference.wav"))
    started = time.monotonic()
    for n in range(count):
        time.sleep(max(0.0, started + n * every_seconds - time.monotonic()))
        flow.job_create(
            owner=owner,
            team=team,
            prompt="A song for the benchmark",
            reference_track=ContentFile(reference, name="reference.wav"),
            reference_info=reference_info,
        )


def tone_wav(seconds: float) -> bytes:
    import numpy as np
    import soundfile

    samplerate = 22050
    wave = 0.3 * np.sin(2 * np.pi * 440.0 * np.arange(int(seconds * samplerate)) / samplerate)
    buffer = io.BytesIO()
    soundfile.write(buffer, wave, samplerate, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


# --- the upstream -------------------------------------------------------------------------------


@dataclass
class Generation:
    sent_at: float  # time.time() of the POST (or of `add`)
    seconds: float  # how long it takes
    status_requests: list = field(default_factory=list)  # time.time() of each status GET

    @property
    def completes_at(self):
        return self.sent_at + self.seconds

    @property
    def seen_completed_at(self):
        """When the first status request after completion arrived, or None."""
        return next((at for at in self.status_requests if at >= self.completes_at), None)


class SlowUpstream:
    """The music API on loopback: each generation answers "generating" until `seconds()` after it was sent.

    `seconds` draws each generation's duration (e.g. uniformly 50-70 s on the benchmark's clock), unless
    `add` is told it;
    the song is a 3 s WAV tone, so downloading and checking it costs what a small song costs. (A
    tone written as MP3 by libsndfile makes libmpg123 print hundreds of warnings a decode, which would
    be measured instead.)
    """

    def __init__(self, seconds=None, song_seconds=3.0):
        self.seconds = seconds
        self.generations: dict[str, Generation] = {}
        self.song = tone_wav(song_seconds)
        self._lock = threading.Lock()
        self._count = 0
        self.prefix = f"bench-{os.urandom(3).hex()}"  # ids unique across runs: jobs of an earlier run may remain
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.server.request_queue_size = 1024  # a burst of a thousand polls must not be refused
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, sent_at: float | None = None, seconds: float | None = None) -> str:
        """A generation sent at `sent_at` (time.time(); default now) taking `seconds` (default drawn), as if
        POSTed: its id."""
        with self._lock:
            self._count += 1
            generation_id = f"{self.prefix}-{self._count}"
            self.generations[generation_id] = Generation(sent_at or time.time(), seconds or self.seconds())
        return generation_id

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _status(self, generation_id):
        generation = self.generations[generation_id]
        now = time.time()
        generation.status_requests.append(now)
        if now < generation.completes_at:
            return {"id": generation_id, "status": "generating", "audio_file": None, "error": None}
        song_url = f"{self.url}/files/{generation_id}.wav"
        return {"id": generation_id, "status": "completed", "audio_file": {"url": song_url}, "error": None}

    def _handler_class(self):
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as the app's requests.Session expects

            def log_message(self, *args):
                pass

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self._send(201, {"id": upstream.add(), "status": "queued"})

            def do_GET(self):
                url = urlparse(self.path)
                if url.path.startswith("/files/"):
                    self._send(200, upstream.song, "audio/wav")
                    return
                generation_id = parse_qs(url.query).get("generation_id", [""])[0]
                if generation_id not in upstream.generations:
                    self._send(404, {"error": "no such generation"})
                    return
                self._send(200, upstream._status(generation_id))

            def _send(self, status, body, content_type="application/json"):
                payload = json.dumps(body).encode() if content_type == "application/json" else body
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def uniform_seconds(low, high, seed=10):
    draw = random.Random(seed)
    return lambda: draw.uniform(low, high)


# --- app workers --------------------------------------------------------------------------------


class AppWorkers:
    """`count` Celery app workers (each `-c concurrency`) on the benchmark's queue, with extra settings."""

    def __init__(self, count, *, concurrency, upstream_url, settings_env):
        self.names = [f"flow-bench-{os.getpid()}-{n}" for n in range(count)]
        log_dir = Path(os.environ["MUSICGEN_VAR_DIR"]) / "worker-logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        env = {
            **os.environ,
            **{name: str(value) for name, value in settings_env.items()},
            "MUSICGEN_API_BASE_URL": upstream_url,
            "PYTHONPATH": str(PROJECT_DIR),
        }
        self.processes = [
            subprocess.Popen(
                [
                    sys.executable, "-m", "celery", "-A", "bench.flow_worker", "worker", "-n", f"{name}@%h",
                    "-Q", os.environ["MUSICGEN_APP_QUEUE"], "-c", str(concurrency), "-l", "info",
                    "--without-gossip", "--without-mingle", "--without-heartbeat",
                ],
                cwd=PROJECT_DIR,
                env=env,
                stdout=open(log_dir / f"{name}.log", "ab"),
                stderr=subprocess.STDOUT,
            )
            for name in self.names
        ]  # fmt: skip
        self.rss_peaks = [0] * count
        self.cpu_seconds = [0.0] * count  # user + system, main process and pool, at the last sample
        self._sampling = True
        self._wait_until_ready()
        self._sampler = threading.Thread(target=self._sample_rss, daemon=True)
        self._sampler.start()

    def _wait_until_ready(self, timeout=90):
        from musicgen.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                raise RuntimeError("a benchmark worker exited; see worker-logs under MUSICGEN_VAR_DIR")
            with app.connection_for_write() as connection:
                answered = {name for reply in app.control.ping(timeout=0.5, connection=connection) for name in reply}
            if all(any(a.startswith(f"{n}@") for a in answered) for n in self.names):
                return
        raise RuntimeError(f"benchmark workers did not answer within {timeout} s")

    def _sample_rss(self):
        """Each worker's resident memory and CPU time, its main process and pool summed, every half second."""
        import psutil

        while self._sampling:
            for index, process in enumerate(self.processes):
                try:
                    main = psutil.Process(process.pid)
                    family = [main, *main.children(recursive=True)]
                    rss = sum(p.memory_info().rss for p in family)
                    cpu = sum(p.cpu_times().user + p.cpu_times().system for p in family)
                except psutil.NoSuchProcess:
                    continue
                self.rss_peaks[index] = max(self.rss_peaks[index], rss)
                self.cpu_seconds[index] = max(self.cpu_seconds[index], cpu)
            time.sleep(0.5)

    def stop(self):
        self._sampling = False
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def app_queue_new(label: str) -> None:
    """Send this process's steps, and the next AppWorkers' work, to a fresh queue: the last run's is left behind."""
    from django.conf import settings

    settings.MUSICGEN_APP_QUEUE = os.environ["MUSICGEN_APP_QUEUE"] = (
        f"bench-app-{os.environ['MUSICGEN_BENCH_RUN']}-{label}"
    )


def broker_forget() -> None:
    """Delete this benchmark run's keys from the broker: queues left behind, unacknowledged messages, lateness."""
    import redis

    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    keys = list(broker.scan_iter(match=f"bench-{os.environ['MUSICGEN_BENCH_RUN']}:*"))
    if keys:
        broker.delete(*keys)


def steps_waiting_in_broker(queue: str) -> list[tuple[str, list]]:
    """(task, args) of every message waiting in `queue` or taken but not acknowledged, once workers stopped."""
    import base64

    import redis

    broker = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    prefix = f"bench-{os.environ['MUSICGEN_BENCH_RUN']}:"
    waiting = [json.loads(raw) for raw in broker.lrange(prefix + queue, 0, -1)]
    taken = [json.loads(raw)[0] for raw in broker.hvals(prefix + "unacked")]  # [message, exchange, routing key]
    return [
        (message["headers"]["task"], json.loads(base64.b64decode(message["body"]))[0])
        for message in waiting + taken
        if message.get("headers", {}).get("task")
    ]


def poll_lateness_read_and_forget() -> list[float]:
    """The lateness of every poll the workers ran since the last call (bench/flow_worker.py)."""
    import redis

    log = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    key = f"bench-{os.environ['MUSICGEN_BENCH_RUN']}:poll-lateness"
    values = [float(value) for value in log.lrange(key, 0, -1)]
    log.delete(key)
    return values
