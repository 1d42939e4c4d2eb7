"""A local fake of the Zalo and Facebook content servers the worker fetches a message's files from: a real HTTP
server on a loopback port in a thread, serving what a test puts there, failing on request."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Served:
    content: bytes
    content_type: str = "application/octet-stream"
    fail_times: int = 0  # answer 503 this many times first


@dataclass
class FakePlatform:
    host: str
    port: int
    files: dict[str, Served] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def serve(
        self, path: str, content: bytes, *, content_type: str = "application/octet-stream", fail_times: int = 0
    ) -> str:
        self.files[path] = Served(content, content_type, fail_times)
        return self.url(path)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"


def _handler(platform: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            platform.requests.append(self.path)
            served = platform.files.get(self.path)
            if served is None:
                self.send_error(404)
                return
            if served.fail_times > 0:
                served.fail_times -= 1
                self.send_error(503)
                return
            self.send_response(200)
            self.send_header("Content-Type", served.content_type)
            self.send_header("Content-Length", str(len(served.content)))
            self.end_headers()
            self.wfile.write(served.content)

        def log_message(self, format: str, *args: object) -> None:  # quiet test output
            pass

    return Handler


@pytest.fixture
def platform() -> Iterator[FakePlatform]:
    fake = FakePlatform(host="127.0.0.1", port=0)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
