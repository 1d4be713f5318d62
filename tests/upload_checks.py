"""One assertion for "a refused upload writes nothing", shared by every test that posts a bad upload."""

from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from jobs.models import DraftReference, Job, JobEvent

# Every model an upload could write a row to.
ROWS_AN_UPLOAD_CAN_WRITE = [Job, JobEvent, DraftReference]


def stored_files():
    """Every file under the storage's root (the filesystem storage the tests run on)."""
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@contextmanager
def nothing_written():
    """Asserts that the block adds no row an upload can create and no file to storage."""
    rows_before = {model: model.objects.count() for model in ROWS_AN_UPLOAD_CAN_WRITE}
    files_before = stored_files()
    yield
    for model, count in rows_before.items():
        assert model.objects.count() == count, f"a {model.__name__} row was written"
    assert stored_files() == files_before
