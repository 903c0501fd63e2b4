"""``ChromaStore`` writes on a real embedded Chroma: batched replace, revision, crash-safe grouping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistant.ingest.articles import build_article
from assistant.ingest.chunking import ChunkSettings, chunk_article
from assistant.store.chroma import ChromaStore
from assistant.store.records import IndexSpec, _chunk_metadata
from assistant.types import Article, Chunk

SPEC = IndexSpec(embed_model="test", embed_dim=4, chunk_size=40, chunk_overlap=8)


def _article(name: str, words: int, salt: str = "") -> tuple[Article, list[Chunk], list[list[float]]]:
    text = " ".join(f"{name} word{i}{salt}." for i in range(words))
    article = build_article(name, name, f"---\ntitle: {name}\n---\n{text}\n")
    chunks = chunk_article(article, ChunkSettings(SPEC.chunk_size, SPEC.chunk_overlap))
    vectors = [[1.0, float(i % 7), float(len(name)), 0.5] for i in range(len(chunks))]
    return article, chunks, vectors


@pytest.fixture
def store(tmp_path: Path) -> ChromaStore:
    store = ChromaStore("test_store", data_dir=tmp_path / "chroma")
    store.open(SPEC, create=True)
    return store


def _ids_by_file(store: ChromaStore) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for chunk in store.iter_chunks():
        out.setdefault(chunk.file, set()).add(chunk.id)
    return out


def test_batch_replace_writes_exact_ids_and_bumps_the_revision_once(store: ChromaStore) -> None:
    items = [_article("a.txt", 60), _article("b.txt", 30), _article("c.txt", 5)]
    assert all(len(chunks) > 0 for _, chunks, _ in items)
    store.replace_articles(items)
    assert store.revision() == 1
    assert _ids_by_file(store) == {a.file: {c.id for c in chunks} for a, chunks, _ in items}
    assert store.count() == sum(len(chunks) for _, chunks, _ in items)
    records = store.files()
    assert {f: r.chunks for f, r in records.items()} == {a.file: len(chunks) for a, chunks, _ in items}
    assert records["a.txt"].content_hash == items[0][0].content_hash


def test_changed_file_in_a_batch_replaces_only_its_chunks(store: ChromaStore) -> None:
    first = [_article("a.txt", 60), _article("b.txt", 30)]
    store.replace_articles(first)
    changed = _article("a.txt", 45, salt="x")  # shorter and different: every old chunk must go
    new = _article("d.txt", 10)
    store.replace_articles([changed, new])
    assert store.revision() == 2
    assert _ids_by_file(store) == {
        "a.txt": {c.id for c in changed[1]},
        "b.txt": {c.id for c in first[1][1]},
        "d.txt": {c.id for c in new[1]},
    }
    assert store.files()["a.txt"].content_hash == changed[0].content_hash


def test_replace_article_is_a_batch_of_one(store: ChromaStore) -> None:
    article, chunks, vectors = _article("a.txt", 20)
    store.replace_article(article, chunks, vectors)
    store.replace_article(article, chunks, vectors)  # the same again: deleted and re-added, no duplicates
    assert store.count() == len(chunks)
    assert store.revision() == 2


def test_adds_respect_the_batch_limit_and_never_split_an_article(
    store: ChromaStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    items = [_article(f"{n}.txt", 25) for n in "abcdef"]
    sizes = [len(chunks) for _, chunks, _ in items]
    limit = max(sizes) + 1  # room for one article per add, sometimes not two
    store._max_batch = limit
    calls: list[set[str]] = []
    real_add = store.collection.add

    def counting_add(**kwargs: Any) -> None:
        calls.append({m["file"] for m in kwargs["metadatas"]})
        assert len(kwargs["ids"]) <= limit
        real_add(**kwargs)

    monkeypatch.setattr(store.collection, "add", counting_add)
    store.replace_articles(items)
    assert 1 < len(calls) <= len(items)
    seen: list[str] = [f for call in calls for f in sorted(call)]
    assert sorted(seen) == sorted(a.file for a, _, _ in items)  # each file in exactly one add
    assert store.count() == sum(sizes)
    assert store.revision() == 1


def test_revision_is_read_afresh_before_a_bump(tmp_path: Path) -> None:
    one = ChromaStore("shared", data_dir=tmp_path / "chroma")
    one.open(SPEC, create=True)
    two = ChromaStore("shared", data_dir=tmp_path / "chroma")
    two.open(SPEC, create=False)
    one.replace_articles([_article("a.txt", 10)])
    two.replace_articles([_article("b.txt", 10)])  # its collection handle still says revision 0
    assert one.revision() == two.revision() == 2


def test_delete_files_in_one_call(store: ChromaStore) -> None:
    store.replace_articles([_article("a.txt", 20), _article("b.txt", 20), _article("c.txt", 20)])
    store.delete_files(["a.txt", "c.txt"])
    assert set(_ids_by_file(store)) == {"b.txt"}
    assert store.revision() == 2
    store.delete_files([])
    assert store.revision() == 2


def test_files_reads_one_record_per_article_and_falls_back_for_older_chunks(store: ChromaStore) -> None:
    items = [_article("a.txt", 60), _article("b.txt", 30)]
    store.replace_articles(items)
    heads = store.collection.get(where={"article_chunks": {"$gt": 0}}, include=[])["ids"]
    assert sorted(heads) == sorted(chunks[0].id for _, chunks, _ in items)
    expected = {a.file: len(chunks) for a, chunks, _ in items}
    assert {f: r.chunks for f, r in store.files().items()} == expected
    # Chunks written before the first chunk carried the count: every chunk is read instead.
    article, chunks, vectors = _article("old.txt", 20)
    store.collection.add(
        ids=[c.id for c in chunks],
        embeddings=vectors,
        documents=[c.text for c in chunks],
        metadatas=[_chunk_metadata(article, c) for c in chunks],
    )
    records = store.files()
    assert {f: r.chunks for f, r in records.items()} == {**expected, "old.txt": len(chunks)}
    assert records["old.txt"].content_hash == article.content_hash and records["a.txt"].title == "a.txt"


def test_emptiness_and_search_without_counting_rows(store: ChromaStore, monkeypatch: pytest.MonkeyPatch) -> None:
    # The question path must not count rows (a full COUNT in embedded Chroma): ``count`` is made to fail.
    def no_count() -> int:
        raise AssertionError("count() on the question path")

    assert store.is_empty()
    assert store.query([1.0, 0.0, 0.0, 0.0], k=5) == []
    items = [_article("a.txt", 20), _article("b.txt", 10)]
    store.replace_articles(items)
    total = sum(len(chunks) for _, chunks, _ in items)
    monkeypatch.setattr(store, "count", no_count)
    assert not store.is_empty()
    hits = store.query([1.0, 0.0, 0.0, 0.0], k=total + 50)  # more than there are: all of them, no error
    assert len(hits) == total
    assert all(-1.0 <= score <= 1.0 for _, score in hits)
    only_b = store.query([1.0, 0.0, 0.0, 0.0], k=total + 50, files=["b.txt"])
    assert {c.id for c, _ in only_b} == {c.id for c in items[1][1]}
    assert store.query([1.0, 0.0, 0.0, 0.0], k=0) == []
    store.delete_files(["a.txt", "b.txt"])
    assert store.is_empty()
