"""Make an API key for the local generation service and print it (last line of the output).

With --key-file PATH the key is also written to PATH (mode 600), and a key already in that file is
reused while it still exists in the database, so `make run` can call this every time.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand

from localgen.keys import generation_key_create, generation_key_for


class Command(BaseCommand):
    help = "Create an API key for /v2/generate/audio and print it as the last line."

    def add_arguments(self, parser):
        parser.add_argument("name", help="Who or what will use the key, e.g. 'app'.")
        parser.add_argument("--key-file", type=Path, help="Write the key here (mode 600); reuse the key it holds.")

    def handle(self, *args, name, key_file, **options):
        plaintext = _key_in_file(key_file)
        if plaintext is not None:
            self.stdout.write(f"Reusing the key in {key_file}.")
        else:
            _, plaintext = generation_key_create(name=name)
            self.stdout.write(f"Created the API key {name!r}. It is shown only now; keep it secret.")
            if key_file:
                _write_secret(key_file, plaintext)
                self.stdout.write(f"Wrote it to {key_file}.")
        self.stdout.write(plaintext)


def _key_in_file(key_file):
    """The key stored in `key_file` if the database still knows it, else None."""
    if key_file is None or not key_file.exists():
        return None
    plaintext = key_file.read_text().strip()
    return plaintext if generation_key_for(plaintext) else None


def _write_secret(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # the file may have existed with wider permissions
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(text + "\n")
