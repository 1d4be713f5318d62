"""How the history holds up with 10,000 jobs in view. Slow to set up, so it runs on request:

    MUSICGEN_MEASURE_HISTORY=1 .venv/bin/python -m pytest tests/web/test_history_at_scale.py -s

The teammate looks at "Everything I can see": 5,000 songs of their own (in their personal team) and
5,000 of the owner's in the team they share, among 5,000 of an outsider's that they must not see.
"""

import os
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from teams.models import Team
from tests.web.job_data import create_many_jobs

JOBS = 10_000
PEAKS = [0.5] * 800

pytestmark = pytest.mark.skipif(not os.environ.get("MUSICGEN_MEASURE_HISTORY"), reason="set MUSICGEN_MEASURE_HISTORY=1")


def test_history_with_10000_jobs_in_view_stays_fast_on_early_and_late_pages(teammate_client, teammate, owner, outsider):
    prompt = "Line {n} of a song about the sea\nSecond line"
    create_many_jobs(teammate, JOBS // 2, prompt=prompt, completed_every=3, song_peaks=PEAKS)
    create_many_jobs(owner, JOBS // 2, prompt=prompt, completed_every=3, song_peaks=PEAKS)
    create_many_jobs(outsider, JOBS // 2, prompt=prompt, completed_every=3, song_peaks=PEAKS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE jobs_job")
    teammate_client.get(reverse("jobs:history"))  # warm up the connection and templates
    shared_team = Team.objects.get(name="owner").id

    for label, params in [
        ("everything, page 1", {}),
        ("everything, page 200", {"page": 200}),
        ("everything, last page", {"page": JOBS // 25}),
        ("everything, search, page 1", {"q": "sea", "status": "completed"}),
        ("mine, page 1", {"scope": "mine"}),
        ("the shared team, page 100", {"scope": shared_team, "page": 100}),
    ]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = teammate_client.get(reverse("jobs:history"), params)
            elapsed_ms = (time.perf_counter() - started) * 1000
        assert response.status_code == 200
        sql_ms = sum(float(query["time"]) for query in queries.captured_queries) * 1000
        print(f"\n{label}: {elapsed_ms:.1f} ms in the view, {len(queries)} queries, {sql_ms:.1f} ms of SQL")
        assert len(queries) <= 4
