"""Storages that fail on save, for faults a real disk or bucket cannot be made to show on this machine
(no tiny tmpfs here). Reads still work: only saving the song fails."""

import errno
import os

from django.core.files.storage import FileSystemStorage


class FullDiskStorage(FileSystemStorage):
    def _save(self, name, content):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self.path(name))


class FailingStorage(FileSystemStorage):
    def _save(self, name, content):
        raise RuntimeError("An error occurred (AccessDenied) when calling the PutObject operation")
