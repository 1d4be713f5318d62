"""Celery tasks: thin, ids only, safe to run twice. The logic lives in jobs/flow.py."""

from celery import shared_task

from jobs import flow


@shared_task(name="jobs.tasks.submit")
def submit(job_id):
    flow.submit_step(job_id)


@shared_task(name="jobs.tasks.poll")
def poll(job_id, poll_number):
    flow.poll_step(job_id, poll_number)


@shared_task(name="jobs.tasks.download")
def download(job_id):
    flow.download_step(job_id)


@shared_task(name="jobs.tasks.reconcile")
def reconcile():
    flow.reconcile()
