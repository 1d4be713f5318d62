"""The simulated people of bench/pages_under_load.py: logged in, loading the pages people load most.

What to load comes from BENCH_* variables that pages_under_load.py sets from its seeded database.
"""

import itertools
import os

from locust import HttpUser, between, task

SESSION_COOKIE = os.environ.get("BENCH_SESSION_COOKIE", "sessionid")
SESSION = os.environ.get("BENCH_SESSION", "")
JOB = os.environ.get("BENCH_JOB", "")
GENERATING_JOB = os.environ.get("BENCH_GENERATING_JOB", "")
SHARE_TOKEN = os.environ.get("BENCH_SHARE_TOKEN", "")
# One address per simulated person, as nginx would append it to X-Forwarded-For.
ADDRESSES = (f"10.0.{n // 250}.{n % 250 + 1}" for n in itertools.count())


class Listener(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["X-Forwarded-For"] = next(ADDRESSES)
        self.client.cookies.set(SESSION_COOKIE, SESSION)

    def load(self, path, name, expected=200, **headers):
        """A page counts as loaded only with its own answer: a redirect to the login page is a failure."""
        with self.client.get(path, name=name, headers=headers, allow_redirects=False, catch_response=True) as answer:
            if answer.status_code == 0:
                answer.failure(f"no answer: {answer.error!r}")
            elif answer.status_code != expected:
                answer.failure(f"HTTP {answer.status_code}, expected {expected}")

    @task
    def history(self):
        self.load("/", "history")

    @task
    def history_late_page(self):
        self.load("/?page=200", "history, page 200")

    @task
    def job_page(self):
        self.load(f"/jobs/{JOB}/", "job page")

    @task
    def status_fragment(self):
        self.load(f"/jobs/{GENERATING_JOB}/status/", "status fragment", **{"HX-Request": "true"})

    @task
    def share_page(self):
        self.load(f"/s/{SHARE_TOKEN}/", "share page")

    @task
    def song_audio(self):
        self.load(f"/s/{SHARE_TOKEN}/audio/", "song audio, Range", 206, Range="bytes=0-65535")
