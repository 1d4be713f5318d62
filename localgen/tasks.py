"""Celery tasks of the local generation service: thin, ids only, safe to run twice.

`localgen.tasks.*` is routed to the "engine" queue (musicgen/celery.py), so renders never delay the
app's polls. The logic lives in localgen/flow.py.
"""

from celery import shared_task

from localgen import flow


@shared_task(
    name="localgen.tasks.render_generation",
    soft_time_limit=flow.RENDER_SOFT_TIME_LIMIT,
    time_limit=flow.RENDER_HARD_TIME_LIMIT,
)
def render_generation(generation_id):
    flow.render_step(generation_id)


@shared_task(name="localgen.tasks.sweep_stale_generations")
def sweep_stale_generations():
    """Run by beat every LOCALGEN_SWEEP_EVERY_SECONDS: re-sends lost renders and lost messages."""
    flow.sweep_stale()
