"""Shared by unit and integration tests: the repository's paths, bench scripts, loopback servers.

The fixtures that load the real embedding model and Chroma live in ``tests/integration/conftest.py``,
so unit tests never load model weights."""

from __future__ import annotations

import contextlib
import http.server
import importlib.util
import json
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

from tests.support.loopback import free_port

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "index" / "articles"


def load_bench_script(name: str) -> ModuleType:
    """Import ``eval/bench/<name>.py``, which is a script, not part of the package."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "eval" / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


class LoopbackServer:
    """A real uvicorn server for an ASGI app on a free 127.0.0.1 port, in a background thread."""

    def __init__(self, app: object) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))  # type: ignore[arg-type]
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


@contextlib.contextmanager
def fixed_reply_endpoint(content: str) -> Iterator[str]:
    """An OpenAI-compatible chat endpoint on 127.0.0.1 that answers every request with ``content``
    (a stand-in for a hosted model that misbehaves in a known way); yields its /v1 URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            message = {"role": "assistant", "content": content}
            choice = {"index": 0, "finish_reason": "stop", "message": message}
            body = json.dumps(
                {"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": [choice]}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
