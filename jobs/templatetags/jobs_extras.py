"""Template filters: song lengths as "3:05", waits as "1 min 05 s", stored statuses in words."""

from datetime import timedelta

from django import template

from jobs.models import Job

register = template.Library()


@register.filter
def clock(seconds):
    """A song length as a clock reading: 185.4 -> "3:05"."""
    if seconds is None or seconds == "":
        return ""
    minutes, rest = divmod(round(float(seconds)), 60)
    return f"{minutes}:{rest:02d}"


@register.filter
def spoken_duration(elapsed):
    """A wait in words: timedelta(seconds=65) -> "1 min 05 s"; under a minute "42 s"."""
    if not isinstance(elapsed, timedelta):
        return ""
    minutes, rest = divmod(max(0, round(elapsed.total_seconds())), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {rest:02d} s"
    return f"{rest} s"


@register.filter
def status_label(status):
    """A stored status value in words: "downloading" -> "Saving the song"."""
    return Job.Status(status).label if status in Job.Status.values else status


@register.filter
def version_player_prefix(job):
    """What tells a version's player apart from its siblings' on one page: its audio element is
    this plus "song" (templates/jobs/_player.html), which the lyrics under it follow."""
    return f"version-{job.version_number}-"
