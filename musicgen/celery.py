"""The Celery app: two queues so that a long engine render never delays a job's polling.

- MUSICGEN_APP_QUEUE ("default"): the app's own steps (submit, poll, download, reconcile, drafts' analysis), run by
  the app worker.
- MUSICGEN_ENGINE_QUEUE ("engine"): the local generation service's renders and analyses, run by the engine worker.
Their names, the default queue and the route live in settings (CELERY_TASK_DEFAULT_QUEUE, CELERY_TASK_ROUTES).

Only this module and the tasks know the app: everything else sends tasks by name (plumbing/enqueue.py).
"""

import os

from celery import Celery, signals

from plumbing import enqueue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "musicgen.settings")

app = Celery("musicgen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_reconciler(sender, **kwargs):
    from django.conf import settings

    sender.add_periodic_task(
        settings.MUSICGEN_RECONCILE_EVERY_SECONDS, sender.signature(enqueue.RECONCILE), name="reconcile jobs"
    )
    # The local service's own sweeper: re-sends renders whose engine worker died and lost messages,
    # often enough that a lost render is rendered again well within the app's job deadline.
    sender.add_periodic_task(
        settings.LOCALGEN_SWEEP_EVERY_SECONDS,
        sender.signature(enqueue.SWEEP_STALE_GENERATIONS),
        name="sweep stale local generations",
    )
    # Files uploaded on the new-song page but never made into a song, and old local analyses.
    sender.add_periodic_task(600, sender.signature(enqueue.SWEEP_EXPIRED_DRAFTS), name="sweep expired drafts")
    sender.add_periodic_task(600, sender.signature(enqueue.SWEEP_OLD_ANALYSES), name="sweep old analyses")


@signals.setup_logging.connect
def use_django_logging(**kwargs):
    """Workers and beat log through settings.LOGGING (plain or JSON, with job ids), not Celery's own format."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
