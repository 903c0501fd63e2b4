"""BM25 on bm25s over chunk ids: the same ranking as llama-index's ``BM25Retriever`` gave, no texts held."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.retrieval.bm25 import Bm25Index, KeywordIndex

GOLD = Path(__file__).resolve().parents[2] / "eval" / "gold" / "gold.jsonl"
EXTRA = ["Fedyaev", "the", "?", "Crew-12 launch date", "Who is the commander of the mission?"]


def _questions() -> list[str]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()] + EXTRA


def test_same_ranking_as_llama_index_bm25_retriever(bot: Assistant) -> None:
    bm25_module = pytest.importorskip("llama_index.retrievers.bm25")
    import Stemmer
    from llama_index.core.schema import TextNode

    bot._open(create=False)
    chunks = bot.store.all_chunks()
    # Exactly how the retriever was built before it moved to bm25s directly.
    nodes = [TextNode(id_=c.id, text=f"{c.title or ''}\n{c.text}") for c in chunks]
    old = bm25_module.BM25Retriever.from_defaults(
        nodes=nodes, similarity_top_k=20, stemmer=Stemmer.Stemmer("english"), language="en"
    )
    bot.retriever.refresh(force=True)
    for question in _questions():
        before = [(h.node.node_id, float(h.score or 0.0)) for h in old.retrieve(question) if (h.score or 0.0) > 0.0]
        after = [(h.chunk.id, h.bm25) for h in bot.retriever.bm25(question, 20)]
        assert [cid for cid, _ in after] == [cid for cid, _ in before], question
        assert [s for _, s in after] == pytest.approx([s for _, s in before]), question


def test_index_holds_ids_not_texts(bot: Assistant) -> None:
    bot._open(create=False)
    bot.retriever.refresh(force=True)
    index = bot.retriever._bm25
    assert isinstance(index, KeywordIndex) and isinstance(index.base, Bm25Index)
    assert sorted(index.ids) == sorted(c.id for c in bot.store.iter_chunks())
    assert index.index.corpus is None  # bm25s keeps no documents of its own
    assert not hasattr(bot.retriever, "_chunks")
    hits = bot.retriever.bm25("Jessica Meir Crew-12", 5)
    assert hits and all(h.chunk.text and h.bm25 and h.bm25 > 0 for h in hits)


def test_bm25_follows_the_collection_revision(fresh_bot: Assistant, corpus_dir: Path) -> None:
    files = sorted(corpus_dir.glob("*.txt"))
    fresh_bot.ingest(files[0], progress=False)
    fresh_bot.retriever.refresh()
    first = set(fresh_bot.retriever._bm25.ids)  # type: ignore[union-attr]
    fresh_bot.ingest(*files[1:], progress=False)  # another write bumps the revision
    fresh_bot.retriever.refresh()
    assert set(fresh_bot.retriever._bm25.ids) > first  # type: ignore[union-attr]
    assert set(fresh_bot.retriever._bm25.ids) == {c.id for c in fresh_bot.store.iter_chunks()}  # type: ignore[union-attr]
    fresh_bot.store.delete_files([f.name for f in files])
    fresh_bot.retriever.refresh()
    assert fresh_bot.retriever._bm25 is None and fresh_bot.retriever.bm25("Crew-12", 5) == []
