"""The same assistant against a real `chroma run` server on 127.0.0.1 (HttpClient), surviving a restart."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings, StoreUnavailableError
from assistant.store.embedding import Embedder
from tests.conftest import ARTICLES
from tests.support.loopback import free_port, wait_until_up

pytestmark = pytest.mark.slow
CHROMA = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "chroma"


def _start(data: Path, port: int) -> subprocess.Popen[bytes]:
    executable = str(CHROMA) if CHROMA.exists() else "chroma"
    process = subprocess.Popen(
        [executable, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_up(f"http://127.0.0.1:{port}/api/v2/heartbeat", process, 60, "chroma run")
    return process


class ChromaServer:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.port = free_port()
        self.process = _start(data, self.port)

    def restart(self) -> None:
        self.stop()
        self.process = _start(self.data, self.port)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    server = ChromaServer(tmp_path / "server-data")
    try:
        yield server
    finally:
        server.stop()


def test_ingest_and_answer_through_a_chroma_server(
    chroma_server: ChromaServer, embedder: Embedder, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "unused", chroma_host="127.0.0.1", chroma_port=chroma_server.port)
    bot = Assistant(settings, embedder=embedder)
    report = bot.ingest(ARTICLES, progress=False)
    assert len(report.added) == 5
    assert not (tmp_path / "unused").exists()  # nothing embedded was written locally
    assert "February 14, 2026" in bot.ask("When did Crew-12 dock with the ISS?").text

    # Another client sees the same data, its BM25 index built from the server's chunks.
    other = Assistant(settings, embedder=embedder)
    assert other.ask("Who leads the Crew-12 mission?").short_answer == "Jessica Meir"
    assert other.ingest(ARTICLES, progress=False).chunks_written == 0

    # The data survives a server restart; a fresh client answers from it.
    chroma_server.restart()
    after = Assistant(settings, embedder=embedder)
    assert after.ask("Who leads the Crew-12 mission?").short_answer == "Jessica Meir"

    # The client that was connected before the restart: the next question reconnects, or fails
    # with one clear sentence and the one after it works.
    try:
        first = bot.ask("Who leads the Crew-12 mission?")
    except StoreUnavailableError as err:
        assert "\n" not in str(err)
        first = bot.ask("Who leads the Crew-12 mission?")
    assert first.short_answer == "Jessica Meir"

    # Server down: a clear error, not a hang or a traceback; back up: answers again.
    chroma_server.stop()
    with pytest.raises(StoreUnavailableError) as caught:
        bot.ask("Who leads the Crew-12 mission?")
    assert "\n" not in str(caught.value)
    chroma_server.process = _start(chroma_server.data, chroma_server.port)
    try:
        again = bot.ask("Who leads the Crew-12 mission?")
    except StoreUnavailableError:  # one failed reconnect is allowed, as above
        again = bot.ask("Who leads the Crew-12 mission?")
    assert again.short_answer == "Jessica Meir"
