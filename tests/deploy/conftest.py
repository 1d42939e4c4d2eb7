"""Helpers for the deployment tests: the product's own processes (manage.py commands, the entrypoint, gunicorn)
started as the image starts them, on a migrated SQLite file of their own and loopback ports."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from tests.tools import requires_tool

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(**overrides: str) -> dict[str, str]:
    """The environment of a product process: the test run's own Django settings left out."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "PYTEST_"))}
    for key in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "SEARCH_BACKEND", "DEBUG", "SECRET_KEY"):
        env.pop(key, None)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    env.update(overrides)
    return env


def production_env(database_url: str, **overrides: str) -> dict[str, str]:
    """Settings as compose.yaml gives them (DEBUG=0); REDIS_URL is the caller's."""
    settings = {
        "DEBUG": "0",
        "SECRET_KEY": "a-test-secret-that-is-long-enough-0123456789",
        "SITE_URL": "https://lang-nghe.test",
        "ALLOWED_HOSTS": "lang-nghe.test,127.0.0.1",
        "EMAIL_HOST": "127.0.0.1",
        "DATABASE_URL": database_url,
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "NOTIFICATIONS_SEND_ON_COMMIT": "0",
    }
    return base_env(**(settings | overrides))


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own manage.py
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@dataclass
class ProductDatabase:
    """The database the product's processes use in a test: a SQLite file, or a PostgreSQL database of its own
    when the suite runs on PostgreSQL (DATABASE_URL=postgres://…)."""

    url: str

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.url.startswith("sqlite:///"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as db:
                return list(db.execute(sql))
        with psycopg.connect(self.url, autocommit=True) as db:
            return list(db.execute(sql))


def _postgres(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database with every migration applied, made once per run; each test gets a copy."""
    suite = os.environ.get("DATABASE_URL", "")
    if not suite.startswith(("postgres://", "postgresql://")):
        path = tmp_path_factory.mktemp("deploy-db") / "template.sqlite3"
        url = f"sqlite:///{path}"
        result = manage("migrate", "--no-input", "-v0", env=base_env(DATABASE_URL=url), timeout=300)
        assert result.returncode == 0, result.stderr
        yield url
        return
    name = f"{urlsplit(suite).path.lstrip('/')}_deploy_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    with psycopg.connect(_postgres(suite, "postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))  # left by a killed run
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = _postgres(suite, name)
    try:
        result = manage("migrate", "--no-input", "-v0", env=base_env(DATABASE_URL=url), timeout=300)
        assert result.returncode == 0, result.stderr
        yield url
    finally:
        with psycopg.connect(_postgres(suite, "postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def database(migrated_database: str, tmp_path: Path) -> Iterator[ProductDatabase]:
    if migrated_database.startswith("sqlite:///"):
        copy = tmp_path / "db.sqlite3"
        shutil.copy(migrated_database.removeprefix("sqlite:///"), copy)
        yield ProductDatabase(f"sqlite:///{copy}")
        return
    template = urlsplit(migrated_database).path.lstrip("/")
    name = f"{template}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_postgres(migrated_database, "postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
    try:
        yield ProductDatabase(_postgres(migrated_database, name))
    finally:
        with psycopg.connect(_postgres(migrated_database, "postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[str]:
    """A Redis on a loopback port of its own (Debian's redis-server, installed by `make test`)."""
    executable = shutil.which("redis-server")
    if not executable:
        requires_tool("redis-server is not installed (apt-get install -y redis-server; make test installs it)")
    assert executable
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            executable,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
