"""Shared fixtures: the real embedding model, a real embedded Chroma in a temp dir, the shipped articles."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.embedding import Embedder

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "index" / "articles"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("corpus")
    for path in ARTICLES.iterdir():
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, corpus_dir: Path) -> Assistant:
    """An assistant over the five shipped articles (ingested once per test session)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("chroma"))
    assistant = Assistant(settings, embedder=embedder)
    assistant.ingest(corpus_dir, progress=False)
    return assistant


@pytest.fixture
def fresh_bot(tmp_path: Path, embedder: Embedder) -> Iterator[Assistant]:
    """An assistant with an empty index of its own."""
    yield Assistant(Settings(data_dir=tmp_path / "chroma"), embedder=embedder)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
