"""LLM generators with the real bundled SmolLM2: in-process, and behind a real llama.cpp server on
127.0.0.1 reached through the openai client. Plus an unreachable and a too-slow endpoint."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Answer, Assistant
from assistant.store.embedding import Embedder
from tests.conftest import ARTICLES, fixed_reply_endpoint
from tests.support.loopback import free_port, start_llama_server

pytestmark = pytest.mark.slow
FILE_TEXT = {p.name: p.read_text(encoding="utf-8") for p in ARTICLES.iterdir()}


def _assert_grounded(answer: Answer) -> None:
    retrieved = {s.chunk.id for s in answer.sources}
    for citation in answer.citations:
        assert citation.chunk_id in retrieved
        assert FILE_TEXT[citation.file][citation.start : citation.end] == citation.quote


def _with_generator(bot: Assistant, embedder: Embedder, **overrides: object) -> Assistant:
    settings = bot.settings.model_copy(update=overrides)
    return Assistant(settings, embedder=embedder)


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    """`python -m llama_cpp.server` serving the bundled GGUF on a free loopback port."""
    process, base = start_llama_server()
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_local_generator_answers_with_valid_citations(bot: Assistant) -> None:
    # A question the crews-and-events table does not answer, so the model is really asked.
    answer = bot.ask("How many hooks latched the Dragon capsule into place?", generator="local")
    assert answer.generator in {"local", "local->extractive"}
    assert "dozen" in answer.text
    _assert_grounded(answer)


def test_local_generator_abstains_on_uncovered_question(bot: Assistant) -> None:
    answer = bot.ask("Who commanded Crew-13?", generator="local")
    assert answer.abstained and answer.citations == ()


def test_local_stream_yields_only_grounded_text_then_the_answer(bot: Assistant) -> None:
    items = list(bot.stream("Who leads the Crew-12 mission?", generator="local"))
    answer = items[-1]
    assert isinstance(answer, Answer)
    assert "Jessica Meir" in answer.text
    _assert_grounded(answer)


def test_openai_generator_against_real_llama_cpp_server(bot: Assistant, embedder: Embedder, llama_server: str) -> None:
    remote = _with_generator(bot, embedder, generator="openai", openai_base_url=llama_server, openai_model="smollm2")
    answer = remote.ask("Who leads the Crew-12 mission?")
    assert answer.generator in {"openai", "openai->extractive"}
    assert not any("cannot be reached" in n for n in answer.notes)
    assert "Jessica Meir" in answer.text
    _assert_grounded(answer)
    streamed = list(remote.stream("How many hooks latched the Dragon capsule into place?"))
    assert isinstance(streamed[-1], Answer) and "dozen" in streamed[-1].text
    assert streamed[-1].generator in {"openai", "openai->extractive"}


def test_unreachable_endpoint_falls_back_and_says_so(bot: Assistant, embedder: Embedder) -> None:
    down = _with_generator(
        bot, embedder, generator="openai", openai_base_url=f"http://127.0.0.1:{free_port()}/v1", llm_timeout_s=5
    )
    answer = down.ask("Who leads the Crew-12 mission?")
    assert answer.generator == "openai->extractive"
    assert any("cannot be reached" in note for note in answer.notes)
    assert "Jessica Meir" in answer.text


class _SlowHandler(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        time.sleep(3)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_slow_endpoint_times_out_and_falls_back(bot: Assistant, embedder: Embedder) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _SlowHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        slow = _with_generator(
            bot,
            embedder,
            generator="openai",
            openai_base_url=f"http://127.0.0.1:{server.server_address[1]}/v1",
            llm_timeout_s=1,
        )
        # A question the crews-and-events table does not answer, so the LLM is really asked.
        answer = slow.ask("How many hooks latched the Dragon capsule into place?")
        assert any("did not answer within 1 s" in note for note in answer.notes)
        assert "dozen" in answer.text
    finally:
        server.shutdown()


def test_garbage_from_endpoint_is_not_shown(bot: Assistant, embedder: Embedder, tmp_path: Path) -> None:
    """An endpoint that answers with an invented name: grounding drops it and falls back."""

    with fixed_reply_endpoint("Buzz Lightyear leads Crew-12 [1].") as url:
        liar = _with_generator(bot, embedder, generator="openai", openai_base_url=url)
        answer = liar.ask("Who leads the Crew-12 mission?")
        assert "Lightyear" not in answer.text
        assert answer.generator == "openai->extractive" and answer.notes
        assert "Jessica Meir" in answer.text
