"""LLM generators with the real bundled SmolLM2: in-process, and behind a real llama.cpp server on
127.0.0.1 reached through the openai client (structured output, prompt tokens, the naive pipeline on the
same endpoint). Plus an unreachable and a too-slow endpoint, and loopback endpoints with fixed replies
for what a model may say: an invented name, a half-right answer, an abstention in several wordings."""

from __future__ import annotations

import http.server
import json
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Answer, Assistant, Settings
from assistant.answer.cited_prompt import citing_messages
from assistant.answer.llm import OpenAIGenerator
from assistant.answer.structured import parse_reply, response_format
from assistant.evaluation.harness import run_eval
from assistant.store.embedding import Embedder
from assistant.types import Chunk, Passage
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
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still busy with a prompt a timed-out client left behind
            process.kill()
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
    remote = _with_generator(
        bot, embedder, generator="openai", openai_base_url=llama_server, openai_model="smollm2", llm_timeout_s=120
    )
    # A question the crews-and-events table does not answer, so the model is really asked.
    answer = remote.ask("How many hooks latched the Dragon capsule into place?")
    generator = remote.generator()
    # llama-cpp-python's server refuses OpenAI's json_schema and takes its own json_object with a schema.
    assert isinstance(generator, OpenAIGenerator) and generator.output_format == "json_object"
    assert answer.generator in {"openai", "openai->extractive"}
    assert not any("cannot be reached" in n for n in answer.notes)
    assert answer.prompt_tokens is not None and answer.prompt_tokens > 0  # as the server counted them
    _assert_grounded(answer)
    # SmolLM2 is no competent model: whatever it drafts, what is shown is backed or an abstention that says why.
    assert answer.citations or (answer.abstained and answer.notes)
    streamed = list(remote.stream("How many hooks latched the Dragon capsule into place?"))
    assert isinstance(streamed[-1], Answer) and streamed[-1].generator in {"openai", "openai->extractive"}
    _assert_grounded(streamed[-1])


def test_the_servers_grammar_makes_even_a_small_model_answer_in_the_schema(llama_server: str) -> None:
    text = FILE_TEXT["001_c63f224d91df91f5.txt"]
    start = text.index("dozen") - 80
    chunk = Chunk(id="h", file="001_c63f224d91df91f5.txt", text=text[start : start + 160], start=start, end=start + 160)
    generator = OpenAIGenerator(llama_server, None, "smollm2", timeout_s=120, max_tokens=128)
    messages = citing_messages("How many hooks latched the Dragon capsule?", [Passage(1, chunk)], structured=True)
    out = generator.chat(messages, response_format=response_format("json_object"))
    assert parse_reply(out.text) is not None, out.text
    assert out.prompt_tokens is not None and out.prompt_tokens > 0


def test_the_naive_pipeline_runs_on_the_same_endpoint_and_both_count_prompt_tokens(
    tmp_path: Path, llama_server: str
) -> None:
    gold = tmp_path / "gold.jsonl"
    # One question: the naive prompt is two 1024-token chunks, slow for a 135M model on a busy CPU.
    row = {"id": "h1", "question": "How many hooks latched the Dragon capsule into place?", "type": "number",
           "answer": 12, "sources": ["001_c63f224d91df91f5.txt"]}  # fmt: skip
    gold.write_text(json.dumps(row) + "\n", encoding="utf-8")
    settings = Settings(
        data_dir=tmp_path / "unused", openai_base_url=llama_server, openai_model="smollm2", llm_timeout_s=600
    )
    report = run_eval(gold, ARTICLES, tmp_path / "report", ["openai"], settings, baseline=True)
    ours, naive = report["generators"]["openai"], report["generators"]["naive-llamaindex"]
    assert report["baseline_model"] == naive["model"] == ours["model"] == f"openai: smollm2 at {llama_server}"
    assert ours["output_format"] == "json_object"
    assert naive["prompt_tokens"]["calls"] == 1 and naive["prompt_tokens"]["unreported"] == 0
    asked = ours["prompt_tokens"]
    assert asked["calls"] == 1 and asked["unreported"] == 0
    # The numbered best sentences cost less than two 1024-token chunks.
    assert asked["p50_per_call"] < naive["prompt_tokens"]["p50_per_call"]
    assert ours["on_baseline_questions"]["n"] == 1
    assert "## Beside the naive pipeline, same model" in (tmp_path / "report" / "report.md").read_text(encoding="utf-8")


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
        assert answer.prompt_tokens is None  # this endpoint reports no usage


def test_a_json_answer_keeps_its_supported_part_and_names_the_rest(bot: Assistant, embedder: Embedder) -> None:
    reply = json.dumps({"sentences": [], "answerable": True, "answer": "Jessica Meir and Buzz Lightyear"})
    with fixed_reply_endpoint(reply) as url:
        answer = _with_generator(bot, embedder, generator="openai", openai_base_url=url).ask(
            "Who leads the Crew-12 mission?"
        )
    assert answer.generator == "openai" and not answer.abstained
    assert answer.text == "Jessica Meir [1]." and "Meir" in answer.citations[0].quote
    assert 'Left out of the openai model\'s answer: "Buzz Lightyear" (not in any retrieved sentence).' in answer.notes
    _assert_grounded(answer)


@pytest.mark.parametrize(
    "reply",
    [
        json.dumps({"sentences": [], "answerable": False, "answer": ""}),
        "The passages don't mention who leads the mission.",
        "Unknown.",
    ],
)
def test_the_models_abstention_in_any_wording_is_an_abstention(bot: Assistant, embedder: Embedder, reply: str) -> None:
    with fixed_reply_endpoint(reply) as url:
        answer = _with_generator(bot, embedder, generator="openai", openai_base_url=url).ask(
            "Who leads the Crew-12 mission?"
        )
    assert answer.abstained and answer.citations == () and answer.generator == "openai"
    assert answer.notes == ("The openai model found no answer in the retrieved sentences.",)
