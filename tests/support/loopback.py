"""Servers on 127.0.0.1 for tests and benchmarks: a free port, waiting until one answers, llama.cpp's server."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout_s: float, what: str) -> None:
    """Poll ``url`` until it answers; RuntimeError if ``process`` exits or ``timeout_s`` passes first."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.3)


@contextlib.contextmanager
def assistant_serve(args: list[str], env: dict[str, str], cwd: Path, log_path: Path) -> Iterator[str]:
    """``assistant ... serve --port P`` (``args`` ends before ``--port``) on a free port; yields its URL.

    Its output goes to ``log_path``, quoted in the error when it does not come up.
    """
    port = free_port()
    with log_path.open("wb") as log:
        server = subprocess.Popen([*args, "--port", str(port)], env=env, cwd=cwd, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{url}/health", server, 120, "assistant serve")
        except RuntimeError as err:
            raise RuntimeError(f"{err}: {log_path.read_text()}") from None
        try:
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def start_llama_server() -> tuple[subprocess.Popen[bytes], str]:
    """`python -m llama_cpp.server` serving the bundled GGUF on a free port; returns it and its /v1 URL."""
    from assistant.answer.llm import bundled_gguf

    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_gguf())]
    command += ["--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--model_alias", "smollm2"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    wait_until_up(f"{base}/models", process, 120, "llama_cpp.server")
    return process, base
