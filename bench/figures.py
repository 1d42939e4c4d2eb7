"""What every benchmark prints: lines as they come, and latency figures from samples in seconds."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def say(line: str = "") -> None:
    print(line, flush=True)


def percentile(values: list[float], pct: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(samples_s: list[float]) -> dict[str, float]:
    """n, p50, p95, mean, min and max in milliseconds."""
    ms = [s * 1000 for s in samples_s]
    return {
        "n": len(ms),
        "p50_ms": round(statistics.median(ms), 3),
        "p95_ms": round(percentile(ms, 95), 3),
        "mean_ms": round(statistics.fmean(ms), 3),
        "min_ms": round(min(ms), 3),
        "max_ms": round(max(ms), 3),
    }


def recreate_database(url: str) -> None:
    """Drop the PostgreSQL database that `url` names (closing its connections) and create it empty."""
    import psycopg

    admin, name = url.rsplit("/", 1)
    with psycopg.connect(f"{admin}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    """Drop the PostgreSQL database that `url` names, closing its connections."""
    import psycopg

    admin, name = url.rsplit("/", 1)
    with psycopg.connect(f"{admin}/postgres", autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid="], capture_output=True, text=True, check=True).stdout  # noqa: S607
    children: dict[int, list[int]] = defaultdict(list)
    for line in out.split("\n"):
        if line.strip():
            child_pid, parent_pid = map(int, line.split())
            children[parent_pid].append(child_pid)
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children[current])
    return found


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) each process has used so far, from /proc; processes gone are left out."""
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return times


def database_backends(url: str) -> list[int]:
    """The process ids of PostgreSQL's backends connected to the database `url` names."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]).fetchall()
    return [int(row[0]) for row in rows]


def production_env(database_url: str, **overrides: str) -> dict[str, str]:
    """The environment of a benchmark's child process: production settings (`DEBUG=0`: no per-query logging, as in
    production) with the values they require, on loopback. Mail goes nowhere unless EMAIL_PORT names a server."""
    import os

    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "SITE_URL": "https://langnghe.bench.invalid",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "EMAIL_HOST": "127.0.0.1",
        "PYTHONHASHSEED": "0",
        # Production serves collected, hashed static files (WhiteNoise's manifest): `setup_django` collects them here
        # once, without the compressed copies.
        "STATIC_ROOT": str(ROOT / "var" / "bench-static"),
        "STATIC_COMPRESS": "0",
        **overrides,
    }


def setup_django(database_url: str, **overrides: str) -> None:
    """Django in this process with `production_env`'s settings (values already in the environment win), and the
    static files collected as a deployment would have them."""
    import os

    for name, value in production_env(database_url, **overrides).items():
        os.environ.setdefault(name, value)
    os.environ["DATABASE_URL"] = database_url
    import django
    from django.core.management import call_command

    django.setup()
    call_command("collectstatic", interactive=False, verbosity=0)


def timed_gets(
    client: Any, url_of: Callable[[int], str], *, iterations: int, warmup: int, params: dict[str, str] | None = None
) -> tuple[dict[str, Any], Any]:
    """GET `url_of(i)` with Django's test client: `warmup` untimed, one with its SQL statements counted (a wrapper:
    request_started resets connection.queries), then `iterations` timed. Returns the figures (`summary` plus queries,
    sql_ms, slowest_query_ms) and the counted response. Every answer must be 200."""
    from django.db import connection

    for i in range(warmup):
        response = client.get(url_of(i), params, secure=True)
        assert response.status_code == 200, (url_of(i), response.status_code)
    statements: list[float] = []

    def timed(execute: Any, sql: str, sql_params: Any, many: bool, context: Any) -> Any:
        t = time.perf_counter()
        try:
            return execute(sql, sql_params, many, context)
        finally:
            statements.append(time.perf_counter() - t)

    with connection.execute_wrapper(timed):
        counted = client.get(url_of(0), params, secure=True)
    samples = []
    for i in range(iterations):
        t = time.perf_counter()
        response = client.get(url_of(i), params, secure=True)
        samples.append(time.perf_counter() - t)
        assert response.status_code == 200, (url_of(i), response.status_code)
    figures: dict[str, Any] = summary(samples)
    figures["queries"] = len(statements)
    figures["sql_ms"] = round(sum(statements) * 1000, 2)
    figures["slowest_query_ms"] = round(max(statements, default=0) * 1000, 2)
    return figures, counted
