"""Celery tasks of the local generation service: thin, ids only, safe to run twice.

`localgen.tasks.*` is routed to the engine queue (CELERY_TASK_ROUTES, musicgen/settings.py), so renders
never delay the app's polls. The logic lives in localgen/flow.py and localgen/analysis.py, which send
these tasks by their names (plumbing/enqueue.py).
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from localgen import analysis, flow
from plumbing import enqueue


@shared_task(
    name=enqueue.RENDER_GENERATION,
    soft_time_limit=flow.RENDER_SOFT_TIME_LIMIT,
    time_limit=flow.RENDER_HARD_TIME_LIMIT,
)
def render_generation(generation_id):
    flow.render_step(generation_id)


@shared_task(name=enqueue.SWEEP_STALE_GENERATIONS)
def sweep_stale_generations():
    """Run by beat every LOCALGEN_SWEEP_EVERY_SECONDS: re-sends lost renders and lost messages."""
    flow.sweep_stale()


@shared_task(
    name=enqueue.ANALYZE_REFERENCE,
    soft_time_limit=analysis.ANALYSIS_SOFT_TIME_LIMIT,
    time_limit=analysis.ANALYSIS_SOFT_TIME_LIMIT + 30,
)
def analyze_reference(analysis_id):
    try:
        analysis.analysis_step(analysis_id)
    except SoftTimeLimitExceeded:
        analysis.analysis_overran(analysis_id)


@shared_task(name=enqueue.SWEEP_OLD_ANALYSES)
def sweep_old_analyses():
    """Meant to run from beat: deletes analyses nobody will ask about any more."""
    analysis.analyses_sweep()
