"""How the history holds up for one person with 10,000 jobs. Slow to set up, so it runs on request:

    MUSICGEN_MEASURE_HISTORY=1 .venv/bin/python -m pytest tests/web/test_history_at_scale.py -s
"""

import os
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.web.job_data import create_many_jobs

JOBS = 10_000
PEAKS = [0.5] * 800

pytestmark = pytest.mark.skipif(not os.environ.get("MUSICGEN_MEASURE_HISTORY"), reason="set MUSICGEN_MEASURE_HISTORY=1")


def test_history_with_10000_jobs_stays_fast_on_early_and_late_pages(owner_client, owner):
    prompt = "Line {n} of a song about the sea\nSecond line"
    create_many_jobs(owner, JOBS, prompt=prompt, completed_every=3, song_peaks=PEAKS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE jobs_job")
    owner_client.get(reverse("jobs:history"))  # warm up the connection and templates

    for label, params in [
        ("page 1", {}),
        ("page 200", {"page": 200}),
        ("last page", {"page": JOBS // 25}),
        ("search, page 1", {"q": "sea", "status": "completed"}),
    ]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = owner_client.get(reverse("jobs:history"), params)
            elapsed_ms = (time.perf_counter() - started) * 1000
        assert response.status_code == 200
        sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
        print(f"\n{label}: {elapsed_ms:.1f} ms in the view, {len(queries)} queries, {sql_ms:.1f} ms of SQL")
        assert len(queries) <= 4
