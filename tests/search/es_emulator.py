"""The emulator the Elasticsearch backend is tested against: `osmem-server` from PyPI, an in-memory
OpenSearch-compatible server whose wheel bundles the binary. It is an emulator, not Elasticsearch: what the tests
prove is the backend's behaviour against an OpenSearch-compatible API, not Elasticsearch's own scoring.

One emulator process per test session (per xdist worker), started on a free loopback port; each test gets its
own copy-on-write clone of it on another port, so tests never see each other's indices. The process exits with
the test process (`--parent-pid`), or when `close()` is called.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Iterator

import pytest

from tests.tools import requires_tool

try:
    from osmem_server import OsmemError, OsmemServer
except ImportError:
    requires_tool("osmem-server (the Elasticsearch emulator) is not installed: pip install -e '.[dev]'")

LOOPBACK = "127.0.0.1"


def start_emulator(port: int = 0) -> OsmemServer:
    """An emulator process on 127.0.0.1:`port` (0: a free port); raises OsmemError if it cannot start."""
    return OsmemServer.start(addr=f"{LOOPBACK}:{port}", japanese=False, startup_timeout=30)


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].rstrip("/"))


def kill(server: OsmemServer) -> None:
    """The emulator dies at once (SIGKILL): connections are refused from now on, and its memory is gone."""
    server.process.kill()
    server.process.wait(timeout=10)


def pause(server: OsmemServer) -> None:
    """The emulator hangs (SIGSTOP): connections are accepted by the kernel but never answered."""
    os.kill(server.process.pid, signal.SIGSTOP)


def resume(server: OsmemServer) -> None:
    os.kill(server.process.pid, signal.SIGCONT)


def wait_until_free(port: int, timeout: float = 10.0) -> None:
    """Until nothing listens on the port any more (a killed emulator's socket is closed by the kernel)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((LOOPBACK, port)) != 0:
                return
        time.sleep(0.05)


@pytest.fixture(scope="session", name="es_emulator")
def es_emulator_fixture() -> Iterator[OsmemServer]:
    try:
        server = start_emulator()
    except (OsmemError, OSError) as error:
        requires_tool(f"the osmem-server emulator binary cannot start here: {error}")
    yield server
    server.close()


@pytest.fixture(name="es_url")
def es_url_fixture(es_emulator: OsmemServer) -> Iterator[str]:
    """The URL of a fresh, empty clone of the session's emulator, for one test."""
    clone = es_emulator.clone()
    yield clone.url
    clone.close()
