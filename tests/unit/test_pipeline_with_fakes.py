"""The whole question path with deterministic fakes at its two model seams (no model weights):
a hashing embedder and a registered fake generator, over a real embedded Chroma in a temp dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, ConfigError, Settings
from assistant.answer.registry import generator_names, register_generator, unregister_generator
from tests.support.fakes import EchoGenerator, HashEmbedder

BRIDGE = """Title: Harbour bridge reopens

The Harbour Bridge reopened to traffic on Thursday after two years of repairs.
Mayor Ana Lucia Ortiz cut the ribbon in front of a crowd of about 300 residents.
The repairs cost 48 million dollars, the city council said.
"""


@pytest.fixture
def fake_bot(tmp_path: Path) -> Iterator[tuple[Assistant, EchoGenerator]]:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    fake = EchoGenerator("echo")
    register_generator("echo", lambda settings: fake)
    bot = Assistant(Settings(data_dir=tmp_path / "chroma", min_dense_score=0.0), embedder=HashEmbedder())  # type: ignore[arg-type]
    bot.ingest(folder, progress=False)
    yield bot, fake
    unregister_generator("echo")


def test_a_registered_fake_generator_is_asked_with_one_parsed_query(fake_bot: tuple[Assistant, EchoGenerator]) -> None:
    bot, fake = fake_bot
    answer = bot.ask("How much did the bridge repairs cost?", generator="echo")
    assert "echo" in generator_names()
    assert len(fake.queries) == 1 and fake.queries[0].qtype == "number"
    assert answer.citations and all(c.file == "bridge.txt" for c in answer.citations)
    text = BRIDGE
    for citation in answer.citations:
        assert text[citation.start : citation.end] == citation.quote


def test_an_unsupported_fake_reply_falls_back_to_the_extractive_answer(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "bridge.txt").write_text(BRIDGE, encoding="utf-8")
    register_generator("liar", lambda settings: EchoGenerator("liar", "The repairs cost 99 million dollars [1]."))
    try:
        bot = Assistant(Settings(data_dir=tmp_path / "chroma", min_dense_score=0.0), embedder=HashEmbedder())  # type: ignore[arg-type]
        bot.ingest(folder, progress=False)
        answer = bot.ask("How much did the repairs cost?", generator="liar")
    finally:
        unregister_generator("liar")
    assert "99" not in answer.text
    assert answer.generator == "liar->extractive"
    assert "48 million" in answer.text


def test_an_unknown_generator_is_a_config_error(fake_bot: tuple[Assistant, EchoGenerator]) -> None:
    bot, _ = fake_bot
    with pytest.raises(ConfigError, match="Unknown generator"):
        bot.ask("Who cut the ribbon?", generator="nope")
