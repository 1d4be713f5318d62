"""Celery tasks: thin, ids only, safe to run twice. The logic lives in jobs/flow.py and jobs/drafts.py, which
send these tasks by their names (plumbing/enqueue.py)."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from jobs import drafts, flow
from plumbing import enqueue
from plumbing.logs import job_context


def _run_step(step, job_id, *args):
    # A step killed by the hard time limit would leave its job looking busy; the soft limit lets us say why.
    with job_context(job_id):
        try:
            step(job_id, *args)
        except SoftTimeLimitExceeded:
            flow.step_overran(job_id)


@shared_task(name=enqueue.SUBMIT)
def submit(job_id):
    _run_step(flow.submit_step, job_id)


@shared_task(name=enqueue.POLL)
def poll(job_id, poll_number):
    _run_step(flow.poll_step, job_id, poll_number)


@shared_task(name=enqueue.DOWNLOAD)
def download(job_id, download_number):
    _run_step(flow.download_step, job_id, download_number)


@shared_task(name=enqueue.RECONCILE)
def reconcile():
    flow.reconcile()


@shared_task(name=enqueue.ANALYZE_DRAFT)
def analyze_draft(draft_id, poll_number):
    drafts.analysis_step(draft_id, poll_number)


@shared_task(name=enqueue.SWEEP_EXPIRED_DRAFTS)
def sweep_expired_drafts():
    drafts.drafts_sweep()
