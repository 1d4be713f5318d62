"""A Redis server of a test's own on a free loopback port, to stop and restart as a broker fault.

The machine's Redis on 6379 serves every engineer and test run: it is never stopped. This one keeps
nothing on disk, so a restart empties it, as a broker restart on this machine would.
"""

import os
import socket
import subprocess
import time
from contextlib import contextmanager

import redis
from kombu import pools

from musicgen.celery import app as celery_app


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server on port {self.port} did not start") from None
                time.sleep(0.05)

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def restart_empty(self):
        self.stop()
        self.start()

    def client(self):
        return redis.Redis(port=self.port)


@contextmanager
def broker_of_this_process(url):
    """Point this process's Celery app (web views, the reconciler, the sweep) at another broker."""
    previous = os.environ["CELERY_BROKER_URL"]
    _use_broker(url)
    try:
        yield
    finally:
        _use_broker(previous)


def _use_broker(url):
    # Celery keeps pools of connections and producers (kombu's, shared) to the broker it first used.
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    os.environ["CELERY_BROKER_URL"] = url  # Celery reads it before its configured broker_url
