"""The Celery app: two queues so that a long engine render never delays a job's polling.

- "default": the app's own steps (submit, poll, download, reconcile), run by the app worker.
- "engine": the local generation service's renders, run by the engine worker.
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "musicgen.settings")

app = Celery("musicgen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("engine"))
app.conf.task_default_queue = "default"
app.conf.task_routes = {"localgen.tasks.*": {"queue": "engine"}}
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_reconciler(sender, **kwargs):
    from django.conf import settings

    sender.add_periodic_task(
        settings.MUSICGEN_RECONCILE_EVERY_SECONDS, sender.signature("jobs.tasks.reconcile"), name="reconcile jobs"
    )
    # The local service's own sweeper: re-sends renders whose engine worker died and lost messages,
    # often enough that a lost render is rendered again well within the app's job deadline.
    sender.add_periodic_task(
        settings.LOCALGEN_SWEEP_EVERY_SECONDS,
        sender.signature("localgen.tasks.sweep_stale_generations"),
        name="sweep stale local generations",
    )
