"""The keyword index's snapshot on disk: a round trip that searches as before, a restarting retriever
that loads it and catches up by write stamps, and damaged or foreign snapshots that are ignored.

A real embedded Chroma in a temp dir, hashed vectors (``HashEmbedder``), no model weights."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.ingest.articles import build_article
from assistant.ingest.chunking import ChunkSettings, chunk_article
from assistant.query.query import parse_query
from assistant.retrieval import keyword_snapshot
from assistant.retrieval.bm25 import Bm25Index
from assistant.retrieval.hybrid import HybridRetriever
from assistant.store.chroma import ChromaStore
from assistant.store.records import IndexSpec
from assistant.types import Article
from tests.conftest import ARTICLES
from tests.support.fakes import HashEmbedder

GOLD = Path(__file__).resolve().parents[3] / "eval" / "gold" / "gold.jsonl"
SPEC = IndexSpec("hash-embedder", 256, 512, 64, "torch")
ZUBRINOV = """Title: Zubrinov capsule splashes down

Cosmonaut Pavel Zubrinov's capsule splashed down off Baja California on Tuesday after 41 days in orbit.
"""


def _questions() -> list[str]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["question"] for line in lines if line.strip()][:12]


def _articles() -> list[Article]:
    return [build_article(p.name, str(p), p.read_text(encoding="utf-8")) for p in sorted(ARTICLES.iterdir())]


def _write(store: ChromaStore, articles: list[Article]) -> None:
    embedder = HashEmbedder()
    items = []
    for article in articles:
        chunks = chunk_article(article, ChunkSettings(512, 64))
        items.append((article, chunks, embedder.embed_texts([f"{c.title or ''}\n{c.text}" for c in chunks])))
    store.replace_articles(items)


def _store(path: Path, articles: list[Article] | None = None) -> ChromaStore:
    store = ChromaStore("articles", data_dir=path)
    store.open(SPEC, create=True)
    if articles:
        _write(store, articles)
    return store


def _retriever(store: ChromaStore, snapshot_dir: Path) -> HybridRetriever:
    return HybridRetriever(store, HashEmbedder(), min_dense_score=0.0, snapshot_dir=snapshot_dir)  # type: ignore[arg-type]


def _searches(retriever: HybridRetriever) -> list[list[tuple[str, float]]]:
    assert retriever._bm25 is not None
    return [retriever._bm25.search(q, 10) for q in _questions()]


def _assert_same(a: list[list[tuple[str, float]]], b: list[list[tuple[str, float]]]) -> None:
    assert len(a) == len(b) and any(a)
    for hits_a, hits_b in zip(a, b, strict=True):
        assert [c for c, _ in hits_a] == [c for c, _ in hits_b]
        assert [s for _, s in hits_a] == pytest.approx([s for _, s in hits_b], abs=1e-6)


def _no_full_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("built from every chunk instead of loading the snapshot")

    monkeypatch.setattr(Bm25Index, "build", refuse)
    monkeypatch.setattr(ChromaStore, "iter_chunks", refuse)


def _count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    builds: list[int] = []
    original = Bm25Index.build.__func__  # type: ignore[attr-defined]

    def counted(cls: type[Bm25Index], ids: list[str], texts: list[str]) -> Bm25Index:
        builds.append(len(ids))
        return original(cls, ids, texts)

    monkeypatch.setattr(Bm25Index, "build", classmethod(counted))
    return builds


@pytest.fixture
def built(tmp_path: Path) -> tuple[ChromaStore, Path, HybridRetriever]:
    """A store of the shipped articles and a retriever that has built its index (and so saved it)."""
    store = _store(tmp_path / "chroma", _articles())
    retriever = _retriever(store, tmp_path / "snapshot")
    retriever.refresh()
    return store, tmp_path / "snapshot", retriever


def test_a_saved_snapshot_searches_as_the_index_it_was_saved_from(tmp_path: Path) -> None:
    ids, texts = [], []
    for article in _articles():
        for chunk in chunk_article(article, ChunkSettings(512, 64)):
            ids.append(chunk.id)
            texts.append(f"{chunk.title or ''}\n{chunk.text}")
    index = Bm25Index.build(ids, texts)
    saved = keyword_snapshot.KeywordSnapshot(index, {"crew-12", "meir"}, 1234.5, "collection-a")
    assert keyword_snapshot.save(tmp_path, saved)
    loaded = keyword_snapshot.load(tmp_path, "collection-a")
    assert loaded is not None
    assert loaded.started == 1234.5 and loaded.vocabulary == {"crew-12", "meir"}
    assert loaded.index.ids == ids and loaded.index.lengths == index.lengths
    for question in _questions():
        expected, got = index.search(question, 10), loaded.index.search(question, 10)
        assert [c for c, _ in got] == [c for c, _ in expected]
        assert [s for _, s in got] == pytest.approx([s for _, s in expected], abs=1e-6)
    # A second save replaces the first; only the current snapshot is kept.
    assert keyword_snapshot.save(tmp_path, saved)
    assert len([p for p in tmp_path.iterdir() if p.name.startswith("snap-")]) == 1


def test_a_restarting_retriever_loads_the_snapshot_and_answers_the_same(
    built: tuple[ChromaStore, Path, HybridRetriever], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, snapshot_dir, first = built
    assert (snapshot_dir / keyword_snapshot.CURRENT).exists()
    _no_full_build(monkeypatch)
    second = _retriever(store, snapshot_dir)
    second.refresh()
    assert second._vocabulary == first._vocabulary and second._watermark >= first._watermark
    _assert_same(_searches(first), _searches(second))
    for question in _questions()[:4]:
        a, b = first.retrieve(parse_query(question)), second.retrieve(parse_query(question))
        assert [h.chunk.id for h in a.chunks] == [h.chunk.id for h in b.chunks] and a.relevant == b.relevant


def test_force_rebuilds_from_the_store_even_with_a_snapshot(
    built: tuple[ChromaStore, Path, HybridRetriever], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, snapshot_dir, _ = built
    builds = _count_builds(monkeypatch)
    second = _retriever(store, snapshot_dir)
    second.refresh()
    assert builds == []
    second.refresh(force=True)
    assert builds == [store.count()]


def test_chunks_written_after_the_snapshot_are_caught_up_and_deleted_ones_are_gone(
    built: tuple[ChromaStore, Path, HybridRetriever], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, snapshot_dir, first = built
    crew = first.bm25("Who leads Crew-12?", 1)[0].chunk.file
    _write(store, [build_article("zubrinov.txt", "zubrinov.txt", ZUBRINOV)])
    store.delete_files([crew])
    builds = _count_builds(monkeypatch)
    second = _retriever(store, snapshot_dir)
    second.refresh()
    assert builds == []  # loaded, not built; the catch-up put the new article in the delta
    assert second._bm25 is not None and second._bm25.delta_size >= 1
    assert second.bm25("Zubrinov capsule", 3)[0].chunk.file == "zubrinov.txt"
    assert "zubrinov" in second._vocabulary
    assert all(h.chunk.file != crew for h in second.bm25("Who leads Crew-12? Jessica Meir", 20))
    # The row count no longer matched the snapshot's, so a compaction started at once; it rebuilds
    # from the store and saves a new snapshot of what is there now.
    assert second._compacting is not None
    second._compacting.join(timeout=60)
    assert builds == [store.count()]
    snapshot = keyword_snapshot.load(snapshot_dir, store.collection_id())
    assert snapshot is not None and sorted(snapshot.index.ids) == sorted(store.ids_written_since(0.0))
    second.refresh()
    assert second._bm25 is not None and second._bm25.base_size == store.count() and second._bm25.delta_size == 0


def test_a_snapshot_of_a_re_created_collection_is_not_loaded(
    built: tuple[ChromaStore, Path, HybridRetriever], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, snapshot_dir, _ = built
    old_id = store.collection_id()
    store._connect().delete_collection("articles")
    fresh = _store(tmp_path / "chroma", _articles()[:2])  # same name, same chunk ids, another collection
    assert fresh.collection_id() != old_id
    assert keyword_snapshot.load(snapshot_dir, fresh.collection_id()) is None
    builds = _count_builds(monkeypatch)
    retriever = _retriever(fresh, snapshot_dir)
    retriever.refresh()
    assert builds == [fresh.count()]
    assert retriever._bm25 is not None and retriever._bm25.base_size == fresh.count()
    loaded = keyword_snapshot.load(snapshot_dir, fresh.collection_id())  # the build saved its own
    assert loaded is not None and len(loaded.index.ids) == fresh.count()


def _current(snapshot_dir: Path) -> Path:
    return snapshot_dir / (snapshot_dir / keyword_snapshot.CURRENT).read_text(encoding="utf-8")


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: _flip_a_byte(_current(d) / "index" / "data.csc.index.npy"), id="corrupt-matrix"),
        pytest.param(lambda d: (_current(d) / "manifest.json").write_text("{not json"), id="corrupt-manifest"),
        pytest.param(lambda d: (_current(d) / "vocabulary.json").unlink(), id="missing-file"),
        pytest.param(lambda d: (_current(d) / "index" / "ids.json").write_text('["a"]'), id="truncated-ids"),
        pytest.param(lambda d: (d / keyword_snapshot.CURRENT).write_text("snap-1-000000000000"), id="dangling-current"),
        pytest.param(lambda d: (d / keyword_snapshot.CURRENT).write_text("../../etc"), id="bad-current"),
        pytest.param(lambda d: (d / keyword_snapshot.CURRENT).unlink(), id="half-written"),
    ],
)
def test_a_damaged_snapshot_means_a_full_build_not_an_error(
    built: tuple[ChromaStore, Path, HybridRetriever], monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    store, snapshot_dir, first = built
    damage(snapshot_dir)  # type: ignore[operator]
    assert keyword_snapshot.load(snapshot_dir, store.collection_id()) is None
    builds = _count_builds(monkeypatch)
    second = _retriever(store, snapshot_dir)
    second.refresh()
    assert builds == [store.count()]
    _assert_same(_searches(first), _searches(second))
    assert keyword_snapshot.load(snapshot_dir, store.collection_id()) is not None  # and saved a good one


def test_a_snapshot_of_another_format_is_not_loaded(built: tuple[ChromaStore, Path, HybridRetriever]) -> None:
    store, snapshot_dir, _ = built
    manifest_path = _current(snapshot_dir) / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest_path.write_text(json.dumps({**manifest, "format": keyword_snapshot.FORMAT_VERSION + 1}))
    assert keyword_snapshot.load(snapshot_dir, store.collection_id()) is None


def test_index_files_that_do_not_fit_together_are_refused(tmp_path: Path) -> None:
    index = Bm25Index.build(["a", "b"], ["Crew-11 launched in August.", "Starliner slipped to September."])
    index.save(tmp_path)
    assert Bm25Index.load(tmp_path).search("Starliner", 2)[0][0] == "b"
    (tmp_path / "ids.json").write_text('["a", "b", "c"]')
    with pytest.raises(ValueError, match="rows"):
        Bm25Index.load(tmp_path)


def test_an_unwritable_snapshot_dir_is_logged_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    index = Bm25Index.build(["a"], ["Crew-11 launched in August."])
    assert not keyword_snapshot.save(blocker / "snapshot", keyword_snapshot.KeywordSnapshot(index, set(), 1.0, "x"))
