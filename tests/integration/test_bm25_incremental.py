"""The keyword index follows writes incrementally: a new article is one small delta, not a rebuild;
deleted chunks never come back; compaction runs in the background; two app processes against one
`chroma run` server each see what the other ingested (real embedding model and Chroma)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.retrieval import hybrid
from assistant.store.embedding import Embedder

NEW = (
    "Zubrinov capsule splashes down\n\nThe Zubrinov cargo capsule splashed down off Baja California on "
    "March 20, 2026, carrying 1,200 kg of experiments back from the station, its operator said.\n"
)


def _ids(bot: Assistant, question: str) -> list[str]:
    return [h.chunk.file for h in bot.retriever.bm25(question, 5)]


def test_a_new_article_goes_into_the_delta_without_a_rebuild(
    fresh_bot: Assistant, corpus_dir: Path, tmp_path: Path
) -> None:
    fresh_bot.ingest(corpus_dir, progress=False)
    fresh_bot.retriever.refresh()
    index = fresh_bot.retriever._bm25
    assert index is not None and index.delta_size == 0
    base = index.base
    (tmp_path / "zubrinov.txt").write_text(NEW, encoding="utf-8")
    fresh_bot.ingest(tmp_path / "zubrinov.txt", progress=False)
    assert _ids(fresh_bot, "Zubrinov capsule splashdown")[0] == "zubrinov.txt"
    index = fresh_bot.retriever._bm25
    assert index is not None and index.base is base  # the same base: nothing was rebuilt
    assert index.delta_size == fresh_bot.store.files()["zubrinov.txt"].chunks
    assert sorted(index.ids) == sorted(c.id for c in fresh_bot.store.iter_chunks())
    answer = fresh_bot.ask("Where did the Zubrinov capsule splash down?")
    assert answer.citations and answer.citations[0].file == "zubrinov.txt"


def test_replaced_and_deleted_chunks_never_come_back(fresh_bot: Assistant, tmp_path: Path) -> None:
    path = tmp_path / "zubrinov.txt"
    path.write_text(NEW, encoding="utf-8")
    (tmp_path / "other.txt").write_text(
        "Starliner slipped to September 2026, Boeing said on Tuesday.", encoding="utf-8"
    )
    fresh_bot.ingest(tmp_path, progress=False)
    fresh_bot.retriever.refresh()
    path.write_text(NEW.replace("Baja California", "the Azores"), encoding="utf-8")
    fresh_bot.ingest(tmp_path, progress=False)
    hits = fresh_bot.retriever.bm25("Zubrinov splashed down", 5)
    assert [h.chunk.file for h in hits][:1] == ["zubrinov.txt"] and "Azores" in hits[0].chunk.text
    live = {c.id for c in fresh_bot.store.iter_chunks()}
    assert all(h.chunk.id in live for h in hits)
    fresh_bot.delete("zubrinov.txt")
    assert "zubrinov.txt" not in _ids(fresh_bot, "Zubrinov splashed down Azores")


def test_compaction_runs_in_the_background_and_takes_over(
    fresh_bot: Assistant, corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_bot.ingest(corpus_dir, progress=False)
    fresh_bot.retriever.refresh()
    monkeypatch.setattr(hybrid, "COMPACT_MIN_DELTA", 0)
    monkeypatch.setattr(hybrid, "COMPACT_DELTA_FRACTION", 0.0)
    (tmp_path / "zubrinov.txt").write_text(NEW, encoding="utf-8")
    fresh_bot.ingest(tmp_path / "zubrinov.txt", progress=False)
    assert _ids(fresh_bot, "Zubrinov capsule")[0] == "zubrinov.txt"  # answered from base + delta
    thread = fresh_bot.retriever._compacting
    assert thread is not None
    thread.join(timeout=120)
    assert _ids(fresh_bot, "Zubrinov capsule")[0] == "zubrinov.txt"
    index = fresh_bot.retriever._bm25
    assert index is not None and index.delta_size == 0 and index.base_size == fresh_bot.store.count()


@pytest.mark.slow
def test_two_app_processes_on_one_chroma_server_see_each_others_articles(
    embedder: Embedder, tmp_path: Path, corpus_dir: Path
) -> None:
    from tests.integration.test_chroma_server import ChromaServer

    server = ChromaServer(tmp_path / "server-data")
    try:

        def app() -> Assistant:
            settings = Settings(data_dir=tmp_path / "unused", chroma_host="127.0.0.1", chroma_port=server.port)
            return Assistant(settings, embedder=embedder)

        writer, reader = app(), app()
        writer.ingest(corpus_dir, progress=False)
        assert reader.retrieve("Who leads the Crew-12 mission?").relevant  # the reader builds its index
        (tmp_path / "zubrinov.txt").write_text(NEW, encoding="utf-8")
        writer.ingest(tmp_path / "zubrinov.txt", progress=False)
        answer = reader.ask("Where did the Zubrinov capsule splash down?")
        assert answer.citations and answer.citations[0].file == "zubrinov.txt"
        index = reader.retriever._bm25
        assert index is not None and index.delta_size > 0  # caught up by stamp, not rebuilt
    finally:
        server.stop()
