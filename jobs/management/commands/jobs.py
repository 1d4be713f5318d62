"""Operate on jobs from a shell: find the ones that stopped moving and push them on.

    manage.py jobs stuck [--older-than MINUTES]   list moving jobs with no step for that long
    manage.py jobs redrive                        run the reconciler now (what beat does every minute)
    manage.py jobs redrive JOB_ID [JOB_ID ...]    send these jobs the step their status waits for

Re-driving goes through jobs/flow.py, so it is as safe as the reconciler: a step that finds the job
moved on does nothing, and a job caught mid-send is failed rather than sent (and paid for) twice.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jobs import flow
from jobs.models import Job

WHAT_THE_STEP_DID = {
    "submit": "sent to a worker to be submitted again",
    "poll": "polling the generator again",
    "download": "sent to a worker to save the song again",
    "fail": "failed: it stopped mid-send, and is not sent twice; retry it to send it again",
}


def short_duration(duration: timedelta) -> str:
    seconds = int(duration.total_seconds())
    hours, minutes = seconds // 3600, seconds % 3600 // 60
    if hours:
        return f"{hours}h {minutes:02d}m"
    return f"{minutes}m {seconds % 60:02d}s"


class Command(BaseCommand):
    help = "List jobs that stopped moving (stuck), or push them on through the flow (redrive)."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        stuck = actions.add_parser("stuck", help="List moving jobs with no step for a while.")
        stuck.add_argument(
            "--older-than",
            type=int,
            metavar="MINUTES",
            default=max(settings.MUSICGEN_STALE_AFTER_SECONDS // 60, 1),
            help="How long without a step counts as stuck (default: the reconciler's MUSICGEN_STALE_AFTER_SECONDS).",
        )
        redrive = actions.add_parser("redrive", help="Re-drive the given jobs, or every stalled job.")
        redrive.add_argument("job_ids", nargs="*", metavar="JOB_ID")

    def handle(self, *args, action, **options):
        if action == "stuck":
            self.list_stuck(timedelta(minutes=options["older_than"]))
        elif options["job_ids"]:
            self.redrive_jobs(options["job_ids"])
        else:
            self.redrive_stalled()

    def list_stuck(self, older_than: timedelta):
        now = timezone.now()
        jobs = list(flow.stalled_jobs(older_than=older_than))
        minutes = int(older_than.total_seconds() // 60)
        if not jobs:
            self.stdout.write(f"No job has gone without a step for more than {minutes} minutes.")
            return
        self.stdout.write(f"{'job':36}  {'status':11}  {'age':>8}  {'last step':>10}  error")
        for job in jobs:
            self.stdout.write(
                f"{job.id!s:36}  {job.status:11}  {short_duration(now - job.created_at):>8}  "
                f"{short_duration(now - job.last_activity_at) + ' ago':>10}  {job.error[:80] or '-'}"
            )
        self.stdout.write(f"{len(jobs)} jobs without a step for more than {minutes} minutes.")

    def redrive_stalled(self):
        redriven = flow.reconcile()
        for job, step in redriven:
            self.stdout.write(f"{job.id}: {WHAT_THE_STEP_DID[step]}.")
        self.stdout.write(f"Re-drove {len(redriven)} stalled jobs.")

    def redrive_jobs(self, job_ids: list[str]):
        for job_id in job_ids:
            job = Job.objects.filter(id=_parse_job_id(job_id)).first()
            if job is None:
                self.stdout.write(f"{job_id}: no such job.")
                continue
            step = flow.job_redrive(job)
            if step is None:
                hint = " Retry it from its page or the admin." if job.can_retry else ""
                self.stdout.write(f"{job_id}: {job.status}, so there is nothing to re-drive.{hint}")
            else:
                self.stdout.write(f"{job_id}: {WHAT_THE_STEP_DID[step]}.")


def _parse_job_id(job_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(job_id)
    except ValueError:
        raise CommandError(f"{job_id!r} is not a job id; job ids look like 3f2b9c4e-... (see `jobs stuck`).") from None
