"""Celery tasks of the local generation service: thin, ids only, safe to run twice.

`localgen.tasks.*` is routed to the "engine" queue (musicgen/celery.py), so renders never delay the
app's polls. The logic lives in localgen/flow.py and localgen/analysis.py.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from localgen import analysis, flow


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


@shared_task(
    name="localgen.tasks.analyze_reference",
    soft_time_limit=analysis.ANALYSIS_SOFT_TIME_LIMIT,
    time_limit=analysis.ANALYSIS_SOFT_TIME_LIMIT + 30,
)
def analyze_reference(analysis_id):
    try:
        analysis.analysis_step(analysis_id)
    except SoftTimeLimitExceeded:
        analysis.analysis_overran(analysis_id)


@shared_task(name="localgen.tasks.sweep_old_analyses")
def sweep_old_analyses():
    """Meant to run from beat: deletes analyses nobody will ask about any more."""
    analysis.analyses_sweep()
