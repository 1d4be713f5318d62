"""docker-compose.yml as compose itself reads it: valid, and shaped as docs/operations.md's Production part says.

No container runs here; tests/deploy/test_production_shape.py runs the same processes without one.
These tests need a compose binary (`docker compose` or Debian's `docker-compose`) and skip without one.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
APP_SERVICES = ["web", "api", "worker", "engine", "beat"]


def compose_command():
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.skip("No compose binary (docker compose or docker-compose); apt-get install docker-compose to run this.")


@pytest.fixture(scope="module")
def compose_config(tmp_path_factory):
    """`compose config` of the file with .env.example as its .env, as an operator's first run would see it."""
    project = tmp_path_factory.mktemp("compose")
    shutil.copy(PROJECT_DIR / "docker-compose.yml", project / "docker-compose.yml")
    shutil.copy(PROJECT_DIR / ".env.example", project / ".env")
    result = subprocess.run([*compose_command(), "config"], cwd=project, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_accepts_the_file_with_the_example_settings(compose_config):
    assert set(compose_config["services"]) == {
        *APP_SERVICES, "nginx", "postgres", "redis", "minio", "minio-setup"
    }  # fmt: skip


def test_only_nginx_is_published_and_every_long_running_service_has_a_health_check(compose_config):
    services = compose_config["services"]
    assert [name for name, service in services.items() if service.get("ports")] == ["nginx"]
    running = [name for name in services if name != "minio-setup"]
    assert [name for name in running if "healthcheck" not in services[name]] == []
    assert [name for name in running if services[name].get("restart") != "unless-stopped"] == []


def test_the_app_reaches_minio_as_its_own_user_not_root(compose_config):
    services = compose_config["services"]
    root_password = services["minio"]["environment"]["MINIO_ROOT_PASSWORD"]
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert root_password not in environment.values(), name
        assert environment["MUSICGEN_S3_ACCESS_KEY_ID"] == services["minio-setup"]["environment"]["APP_USER"]


def test_only_web_signs_links_for_the_browsers_address(compose_config):
    services = compose_config["services"]
    signing_public = [
        name for name in APP_SERVICES if "MUSICGEN_S3_PUBLIC_ENDPOINT_URL" in services[name]["environment"]
    ]
    assert signing_public == ["web"]


def configuration_table_settings():
    table = (PROJECT_DIR / "docs" / "configuration.md").read_text()
    first_cells = [line.split("|")[1] for line in table.splitlines() if line.startswith("| `")]
    return sorted({name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)})


def test_env_example_lists_every_setting_of_the_configuration_page():
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (PROJECT_DIR / ".env.example").read_text(), re.MULTILINE))
    assert len(configuration_table_settings()) > 20
    assert [name for name in configuration_table_settings() if name not in listed] == []
