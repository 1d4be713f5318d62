import io
import stat

from django.core.management import call_command

from localgen.keys import generation_key_for
from localgen.models import GenerationKey


def run_command(*args):
    out = io.StringIO()
    call_command("create_generation_key", *args, stdout=out)
    return out.getvalue().splitlines()


def test_prints_a_working_key_as_its_last_line(db):
    lines = run_command("app")

    assert generation_key_for(lines[-1]).name == "app"


def test_key_file_receives_the_key_readable_only_by_its_owner(db, tmp_path):
    key_file = tmp_path / "app.key"

    lines = run_command("app", "--key-file", str(key_file))

    assert key_file.read_text().strip() == lines[-1]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_key_file_is_reused_while_its_key_exists(db, tmp_path):
    key_file = tmp_path / "app.key"
    first = run_command("app", "--key-file", str(key_file))[-1]

    second = run_command("app", "--key-file", str(key_file))[-1]

    assert second == first
    assert GenerationKey.objects.count() == 1


def test_key_file_with_a_deleted_key_gets_a_new_key(db, tmp_path):
    key_file = tmp_path / "app.key"
    first = run_command("app", "--key-file", str(key_file))[-1]
    GenerationKey.objects.all().delete()

    second = run_command("app", "--key-file", str(key_file))[-1]

    assert second != first
    assert key_file.read_text().strip() == second
    assert generation_key_for(second) is not None
