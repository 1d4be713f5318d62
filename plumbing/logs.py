"""Logging plumbing both apps share: one JSON object a line, and the id of the job a line is about.

A worker step runs inside `job_context(job_id)`; every record logged meanwhile, by our code or a
library's, gets `job_id` from a context variable through `JobIdFilter`, so a person searching the
logs for one job finds all of its lines without each call site repeating the id.
"""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

current_job_id: ContextVar[str | None] = ContextVar("current_job_id", default=None)


@contextmanager
def job_context(job_id) -> Iterator[None]:
    token = current_job_id.set(str(job_id))
    try:
        yield
    finally:
        current_job_id.reset(token)


class JobIdFilter(logging.Filter):
    """Stamp each record with the job being worked on (None outside a job); never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "job_id", None) is None:
            record.job_id = current_job_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, and job_id when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "job_id", None):
            line["job_id"] = record.job_id
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)
