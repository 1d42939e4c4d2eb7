"""compose.yaml is a valid Compose file (the Compose Specification's JSON schema, shipped beside this test:
compose-spec/compose-spec, schema/compose-spec.json, Apache-2.0) that runs every worker through the entrypoint;
the lock files pin, with hashes, exactly what pyproject.toml asks for."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import jsonschema
import yaml
from django.core.management import get_commands
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((Path(__file__).parent / "compose-spec.json").read_text())
ENTRYPOINT = (ROOT / "deploy" / "entrypoint.sh").read_text()


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def errors(document: dict) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in jsonschema.Draft7Validator(SCHEMA).iter_errors(document)]


def test_compose_yaml_follows_the_compose_specification():
    assert errors(compose()) == []


def test_the_schema_catches_a_mistake():
    document = compose()
    document["services"]["web"]["healthcheck"]["intervall"] = "30s"
    document["services"]["outbox"]["restart"] = ["always"]
    assert len(errors(document)) == 2


def test_every_worker_runs_as_its_own_service_through_the_entrypoint():
    services = compose()["services"]
    run_commands = {name.removeprefix("run_") for name in get_commands() if name.startswith("run_")}
    declared = re.search(r'^WORKERS="([^"]+)"', ENTRYPOINT, re.M)
    assert declared
    assert set(declared.group(1).split()) == run_commands  # the entrypoint knows each run_* command
    workers = {service["command"][1] for service in services.values() if service.get("command", [""])[0] == "worker"}
    assert workers == run_commands
    assert services["web"]["command"] == ["web"]
    assert {"postgres", "redis", "migrate"} <= services.keys()
    assert services["elasticsearch"]["profiles"] == ["elasticsearch"]  # optional
    for name, service in services.items():
        if service.get("command", [""])[0] == "worker":
            assert service["stop_grace_period"] == "60s", name  # time to finish the item in hand on SIGTERM
            assert service["healthcheck"]["test"][-2:] == ["worker", service["command"][1]]
            assert service["environment"]["DEBUG"] == "0"


def test_compose_needs_the_secrets_and_has_no_default_for_them():
    environment = compose()["services"]["web"]["environment"]
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert ":?" in environment["DATABASE_URL"]  # the PostgreSQL password


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    found = dict(re.findall(r"^([A-Za-z0-9_.\-\[\]]+)==([^\s;\\]+)", text, re.M))
    # Every pinned package carries its hashes (pip install --require-hashes refuses the file otherwise).
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert all("--hash=sha256:" in block for block in blocks if "==" in block)
    return {canonicalize_name(name): version for name, version in found.items()}


def requirements(*, dev: bool) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    listed = project["dependencies"] + (project["optional-dependencies"]["dev"] if dev else [])
    return [Requirement(line) for line in listed]


def test_the_lock_files_pin_every_requirement_of_pyproject_within_its_range():
    """Fails when pyproject.toml changed and `make lock` was not run."""
    for lock, dev in (("requirements-dev.lock", True), ("requirements.lock", False)):
        pinned = pins(lock)
        for requirement in requirements(dev=dev):
            name = canonicalize_name(requirement.name)
            assert name in pinned, f"{requirement.name} is not in {lock}: run `make lock`"
            assert requirement.specifier.contains(pinned[name], prereleases=True), (
                f"{lock} pins {requirement.name}=={pinned[name]}, outside {requirement.specifier}: run `make lock`"
            )


def test_the_image_runs_the_versions_the_tests_ran():
    development, image = pins("requirements-dev.lock"), pins("requirements.lock")
    assert {name: development.get(name) for name in image} == image
    assert "pytest" not in image and "gunicorn" in image and "whitenoise" in image


def test_the_makefile_and_the_dockerfile_install_from_the_lock_files():
    makefile = (ROOT / "Makefile").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
    assert "--require-hashes --no-deps -r /tmp/requirements.lock" in dockerfile
    assert "npm ci" in dockerfile


def test_the_example_env_file_names_every_setting_compose_requires():
    required = set(re.findall(r"\$\{([A-Z_]+):\?", (ROOT / "compose.yaml").read_text()))
    example = {
        line.split("=", 1)[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    assert required == {"SECRET_KEY", "SITE_URL", "ALLOWED_HOSTS", "POSTGRES_PASSWORD", "EMAIL_HOST"}
    assert required <= example


def test_the_image_has_the_debian_packages_make_run_installs_and_leaves_out_the_local_files():
    makefile = (ROOT / "Makefile").read_text()
    dockerfile = (ROOT / "Dockerfile").read_text()
    system = re.search(r"^SYSTEM_PACKAGES := (.+)$", makefile, re.M)
    assert system
    base = dockerfile.split("FROM ${PYTHON_IMAGE} AS base")[1].split("FROM base AS build")[0]
    build = dockerfile.split("FROM base AS build")[1].split("FROM base AS runtime")[0]
    runtime = dockerfile.split("FROM base AS runtime")[1]
    for package in set(system.group(1).split()) - {"python3-venv", "gettext"}:  # the image has its own Python
        assert package in base, package
    assert "gettext" in build and "gettext" not in base + runtime  # translations compiled at build time only
    assert "USER lang-nghe" in dockerfile and "HEALTHCHECK" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", "node_modules", ".env", "var", ".git"} <= set(ignored)
