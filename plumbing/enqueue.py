"""Every Celery task by name, and the one way to send one.

The tasks (jobs/tasks.py, localgen/tasks.py) are declared with these names and beat's schedule
(musicgen/celery.py) reads them, so a name lives once. Everything else sends a task by its name
through Celery's current app: only the project wiring and the tasks themselves know the Celery
app, and the modules holding the logic never import the modules holding the tasks (which import them).

Where each task runs:
- the app worker's tasks go to settings.MUSICGEN_APP_QUEUE, read when the message is sent;
- the local generation service's (`localgen.tasks.*`) to the engine queue, by CELERY_TASK_ROUTES.

A Celery message is only a nudge: the database holds the state of the work. So a broker that
refuses a message (down, unreachable) is logged, not raised, and the sender learns it from the
answer (`send`) or through `if_refused` (`send_on_commit`), to record what it means for its work.
"""

import functools
import logging
import uuid
from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# The app worker's: a job's steps, the reconciler, drafts' analyses and their sweep.
SUBMIT = "jobs.tasks.submit"
POLL = "jobs.tasks.poll"
DOWNLOAD = "jobs.tasks.download"
RECONCILE = "jobs.tasks.reconcile"
ANALYZE_DRAFT = "jobs.tasks.analyze_draft"
SWEEP_EXPIRED_DRAFTS = "jobs.tasks.sweep_expired_drafts"
APP_TASKS = frozenset({SUBMIT, POLL, DOWNLOAD, RECONCILE, ANALYZE_DRAFT, SWEEP_EXPIRED_DRAFTS})

# The engine worker's: the local generation service's renders and analyses, and their sweeps.
RENDER_GENERATION = "localgen.tasks.render_generation"
SWEEP_STALE_GENERATIONS = "localgen.tasks.sweep_stale_generations"
ANALYZE_REFERENCE = "localgen.tasks.analyze_reference"
SWEEP_OLD_ANALYSES = "localgen.tasks.sweep_old_analyses"


def send(task: str, *args, countdown: float | None = None) -> bool:
    """Send `task` with `args` (ids and numbers, for the JSON serializer) now, to run after `countdown`
    seconds; return whether the broker took it. A refusal is logged, not raised."""
    queue = settings.MUSICGEN_APP_QUEUE if task in APP_TASKS else None  # None: CELERY_TASK_ROUTES decides
    message_args = [str(arg) if isinstance(arg, uuid.UUID) else arg for arg in args]  # ids as text in JSON
    try:
        current_app.send_task(task, args=message_args, countdown=countdown, queue=queue)
    except OperationalError as exc:
        logger.warning("%s %s: the broker did not take the message (%s)", task, message_args, exc)
        return False
    return True


def send_on_commit(task: str, *args, countdown: float | None = None, if_refused: Callable[[], None] | None = None):
    """Send `task` once the current transaction commits (at once outside one); nothing when it rolls back.

    Whatever goes wrong sending, the transaction that asked stands (a robust on_commit); when the
    broker refuses the message, `if_refused()` runs.
    """
    transaction.on_commit(
        functools.partial(_send_or_tell, task, args, countdown=countdown, if_refused=if_refused), robust=True
    )


def _send_or_tell(task, args, *, countdown, if_refused):
    if not send(task, *args, countdown=countdown) and if_refused is not None:
        if_refused()
