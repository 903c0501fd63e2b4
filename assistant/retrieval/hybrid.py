"""Hybrid retrieval: dense (Chroma) and BM25 (bm25s) fused by reciprocal rank.

Fusion is done here rather than with ``QueryFusionRetriever`` because that retriever replaces each
hit's scores with its fused score, and the relevance floor needs the raw cosine similarity.

Relevance floor, two gates, both needed for "the articles do not cover it":
1. the best dense similarity must reach ``min_dense_score`` (off-topic questions fail here);
2. every proper noun and year in the question must occur somewhere in the corpus, and every
   mission designator in the retrieved passages (on-topic questions about things the articles
   never mention, such as "Crew-13", fail here).

The BM25 index lives in each process's memory and holds no text: a bm25s sparse score matrix with
its token vocabulary, and the chunk ids in corpus order. It is built from the chunks read page by
page from Chroma, and rebuilt whenever the collection's revision number changes, so it stays in step
with a shared Chroma server too. The texts and metadata of the top BM25 hits are read back from
Chroma by id at question time (those the dense search already returned are not read twice).
Tokenisation is the one llama-index's ``BM25Retriever`` used before: bm25s's default token pattern,
English stop words removed from the passages, the Snowball English stemmer on passages and questions.

With a ``snapshot_dir``, every full build is also written to disk (``keyword_snapshot``), and a
starting process loads the latest one and catches up with the chunks written since, instead of
reading every chunk from Chroma again (60-90 s at 10,000 articles).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from assistant.query.query import Query
from assistant.retrieval import keyword_snapshot
from assistant.retrieval.bm25 import Bm25Index, KeywordIndex, release_free_heap
from assistant.retrieval.dates import in_period, published_by
from assistant.retrieval.relevance import missing_anchors, vocabulary_of
from assistant.store.chroma import ChromaStore
from assistant.store.embedding import Embedder
from assistant.types import Chunk, ScoredChunk

log = logging.getLogger(__name__)

RetrievalMode = Literal["dense", "bm25", "fused"]
RRF_K = 60  # the constant from Cormack et al.; damps the head of each ranking
# Keyword index upkeep (see ``HybridRetriever._catch_up``): a write stamped this long before the last
# look is still looked for (a slow add, clocks of app hosts a little apart); the delta is folded into
# a new base once it passes either size; row-count drift (deletions) is folded in at most this often.
STAMP_MARGIN_S = 120.0
COMPACT_MIN_DELTA = 5000
COMPACT_DELTA_FRACTION = 0.1
COMPACT_EVERY_S = 600.0


@dataclass(frozen=True)
class RetrievalResult:
    """Chunks for the generator, plus what each retriever saw (for eval and the sources panel)."""

    chunks: list[ScoredChunk]
    relevant: bool
    reason: str = ""
    dense: list[ScoredChunk] = field(default_factory=list)
    bm25: list[ScoredChunk] = field(default_factory=list)


def cap_per_file(ranked: list[ScoredChunk], k: int, per_file: int) -> list[ScoredChunk]:
    """Top ``k`` with at most ``per_file`` chunks from one article, so one long article cannot
    crowd out the one that holds the answer; the cap is lifted if too few articles remain."""
    chosen: list[ScoredChunk] = []
    counts: dict[str, int] = {}
    for hit in ranked:
        if counts.get(hit.chunk.file, 0) < per_file:
            chosen.append(hit)
            counts[hit.chunk.file] = counts.get(hit.chunk.file, 0) + 1
        if len(chosen) == k:
            return chosen
    extra = [h for h in ranked if h not in chosen]
    return chosen + extra[: k - len(chosen)]


def reciprocal_rank_fusion(rankings: list[list[ScoredChunk]], k: int = RRF_K) -> list[ScoredChunk]:
    """Fuse rankings; keeps each chunk's dense and BM25 scores from whichever list had them."""
    fused: dict[str, float] = {}
    dense: dict[str, float | None] = {}
    bm25: dict[str, float | None] = {}
    chunk_by_id: dict[str, Chunk] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking):
            cid = hit.chunk.id
            chunk_by_id[cid] = hit.chunk
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (k + rank + 1)
            if hit.dense is not None:
                dense[cid] = hit.dense
            if hit.bm25 is not None:
                bm25[cid] = hit.bm25
    order = sorted(fused, key=lambda cid: fused[cid], reverse=True)
    return [ScoredChunk(chunk_by_id[c], fused[c], dense.get(c), bm25.get(c)) for c in order]


class HybridRetriever:
    """Dense + BM25 over the same Chroma collection.

    ``snapshot_dir``: where this collection's keyword-index snapshot is kept (None: none is kept, and
    every process start reads every chunk from Chroma).
    """

    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        top_k: int = 5,
        min_dense_score: float = 0.25,
        candidates: int = 20,
        per_file: int = 3,
        snapshot_dir: Path | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.top_k = top_k
        self.min_dense_score = min_dense_score
        self.candidates = candidates
        self.per_file = per_file
        self.snapshot_dir = snapshot_dir
        self._bm25: KeywordIndex | None = None
        self._vocabulary: set[str] = set()
        self._revision: int | None = None
        self._built = False
        self._lock = threading.Lock()
        self._watermark = 0.0  # chunks stamped from here on (less the margin) are looked for
        self._compacted_at = 0.0
        self._compacting: threading.Thread | None = None

    # -- BM25 -------------------------------------------------------------------------------
    def refresh(self, force: bool = False, revision: int | None = None) -> None:
        """Bring the keyword index in step with the collection (``revision``: the collection's
        revision when the caller has just read it). The first call loads the snapshot (if there is a
        usable one) or builds the index from every chunk, ``force`` always builds it from every chunk;
        later calls add the chunks written since, which costs milliseconds per article."""
        revision = self.store.revision() if revision is None else revision
        if not force and self._built and revision == self._revision:
            return
        with self._lock:
            if not force and self._built and revision == self._revision:
                return
            if force or not self._built:
                self._rebuild(from_snapshot=not force)
            else:
                self._catch_up()
            self._revision = revision

    def _read_all(self) -> tuple[KeywordIndex | None, set[str]]:
        ids: list[str] = []
        texts: list[str] = []
        for chunk in self.store.iter_chunks():
            ids.append(chunk.id)
            texts.append(f"{chunk.title or ''}\n{chunk.text}")
        vocabulary = vocabulary_of(texts)
        index = KeywordIndex(Bm25Index.build(ids, texts)) if ids else None
        del texts
        release_free_heap()  # the build read the whole corpus; keep only the index
        log.info("BM25 index built: %d chunks", len(ids))
        return index, vocabulary

    def _rebuild(self, from_snapshot: bool = True) -> None:
        if from_snapshot and self._load_snapshot():
            return
        started = time.time()
        collection_id = self.store.collection_id() if self.snapshot_dir is not None else ""
        self._bm25, self._vocabulary = self._read_all()
        self._watermark, self._built, self._compacted_at = started, True, time.monotonic()
        self._save_snapshot(self._bm25, self._vocabulary, started, collection_id)

    def _load_snapshot(self) -> bool:
        """Take the index from the snapshot, then catch up with what was written since it was built
        (its build start is the watermark). False when there is no usable snapshot."""
        if self.snapshot_dir is None:
            return False
        snapshot = keyword_snapshot.load(self.snapshot_dir, self.store.collection_id())
        if snapshot is None:
            return False
        self._bm25, self._vocabulary = KeywordIndex(snapshot.index), snapshot.vocabulary
        self._watermark, self._built = snapshot.started, True
        # Not compacted in this process yet: if the row count says chunks were deleted since the
        # snapshot, the catch-up below starts a compaction now rather than COMPACT_EVERY_S later.
        self._compacted_at = float("-inf")
        self._catch_up()
        return True

    def _save_snapshot(
        self, index: KeywordIndex | None, vocabulary: set[str], started: float, collection_id: str
    ) -> None:
        """Write a full build (``index`` has no delta yet) for the next process start; an empty
        collection is not written (the next start builds it again, which costs nothing)."""
        if self.snapshot_dir is None or index is None or index.base is None:
            return
        snapshot = keyword_snapshot.KeywordSnapshot(index.base, vocabulary, started, collection_id)
        keyword_snapshot.save(self.snapshot_dir, snapshot)

    def _catch_up(self) -> None:
        """Add the chunks written since the last look (found by their ``written_at`` stamp, read
        from ``STAMP_MARGIN_S`` before it, so a write that began earlier but landed since is not
        missed; ids already indexed are skipped), then check the row count: a difference means
        deletions or writers that do not stamp, and a compaction is due (lazily, see below)."""
        looked_at = time.time()
        index = self._bm25 or KeywordIndex(None)
        ids = self.store.ids_written_since(self._watermark - STAMP_MARGIN_S)
        index.restore([i for i in ids if i in index.removed])
        unknown = [i for i in ids if not index.known(i)]
        for start in range(0, len(unknown), 2000):
            chunks = self.store.get_chunks(unknown[start : start + 2000])
            texts = [f"{c.title or ''}\n{c.text}" for c in chunks]
            index.add([c.id for c in chunks], texts)
            self._vocabulary |= vocabulary_of(texts)
        self._watermark = looked_at
        rows = self.store.count()
        if rows == 0:
            self._bm25, self._vocabulary = None, set()
            return
        self._bm25 = index
        live = index.base_size + index.delta_size - len(index.removed)
        big_delta = index.delta_size > max(COMPACT_MIN_DELTA, COMPACT_DELTA_FRACTION * index.base_size)
        stale = rows != live and time.monotonic() - self._compacted_at > COMPACT_EVERY_S
        if unknown:
            log.info(
                "BM25 delta: +%d chunks (%d in the delta, %d in the base)",
                len(unknown),
                index.delta_size,
                index.base_size,
            )
        if big_delta or stale:
            self._compact_in_background()

    def _compact_in_background(self) -> None:
        """Fold the delta into a new base in a thread; the current index answers until it is ready,
        then the new one takes over and catches up with what was written during the build."""
        if self._compacting is not None and self._compacting.is_alive():
            return

        def compact() -> None:
            started = time.time()
            try:
                collection_id = self.store.collection_id() if self.snapshot_dir is not None else ""
                index, vocabulary = self._read_all()
            except Exception:  # the store went away: keep answering from the current index
                log.exception("BM25 compaction failed")
                return
            # A copy to save: the catch-ups after the swap below add to ``vocabulary`` in place.
            saved = set(vocabulary) if self.snapshot_dir is not None else vocabulary
            with self._lock:
                self._bm25, self._vocabulary = index, vocabulary
                self._watermark, self._compacted_at = started, time.monotonic()
                self._revision = None  # the next question catches up from ``started``
            log.info("BM25 compacted: %d chunks", index.base_size if index else 0)
            # Outside the lock: questions are answered while it is written. ``index.base`` is never
            # changed after the build (a catch-up adds to the delta, masks are KeywordIndex's own).
            self._save_snapshot(index, saved, started, collection_id)

        self._compacted_at = time.monotonic()
        self._compacting = threading.Thread(target=compact, name="bm25-compact", daemon=True)
        self._compacting.start()

    def bm25(self, question: str, k: int) -> list[ScoredChunk]:
        self.refresh()
        return self._bm25_hits(question, k)

    def _bm25_hits(self, question: str, k: int, known: dict[str, Chunk] | None = None) -> list[ScoredChunk]:
        """BM25 over the index as last refreshed (callers refresh first). The hits' chunks are
        taken from ``known`` when there, else read from Chroma; a chunk deleted since the last
        refresh is skipped."""
        index = self._bm25
        if index is None:
            return []
        hits = index.search(question, k)
        known = known or {}
        fetched = {c.id: c for c in self.store.get_chunks([cid for cid, _ in hits if cid not in known])}
        out = []
        for cid, score in hits:
            chunk = known.get(cid) or fetched.get(cid)
            if chunk is not None:
                out.append(ScoredChunk(chunk, score, dense=None, bm25=score))
        gone = [cid for cid, _ in hits if cid not in known and cid not in fetched]
        if gone:  # deleted since the index saw them: masked now, and the next compaction drops them
            index.remove(gone)
        return out

    # -- dense ------------------------------------------------------------------------------
    def dense(self, question: str, k: int, embedding: list[float] | None = None) -> list[ScoredChunk]:
        vector = embedding if embedding is not None else self.embedder.embed_query(question)
        return [ScoredChunk(c, s, dense=s, bm25=None) for c, s in self.store.query(vector, k)]

    # -- fused ------------------------------------------------------------------------------
    def retrieve(
        self,
        query: Query,
        top_k: int | None = None,
        mode: RetrievalMode = "fused",
        per_file: int | None = None,
        revision: int | None = None,
    ) -> RetrievalResult:
        k = top_k or self.top_k
        self.refresh(revision=revision)  # one revision check per question: BM25 and the vocabulary use it
        # Asked on a given day, later articles are dropped from the candidates, so look further.
        candidates = self.candidates * (3 if query.as_of else 1)
        asked_on = query.as_of or date.today()
        dense_hits = self.dense(query.text, candidates) if mode in {"dense", "fused"} else []
        known = {h.chunk.id: h.chunk for h in dense_hits}
        bm25_hits = self._bm25_hits(query.text, candidates, known) if mode in {"bm25", "fused"} else []
        dense_hits, bm25_hits = published_by(dense_hits, asked_on), published_by(bm25_hits, asked_on)
        if mode == "dense":
            ranked = dense_hits
        elif mode == "bm25":
            ranked = bm25_hits
        else:
            rankings = [dense_hits, bm25_hits]
            if query.scope is not None:
                rankings.append(in_period(reciprocal_rank_fusion(rankings), query.scope))
            ranked = reciprocal_rank_fusion(rankings)
        # The floor: drop chunks whose dense similarity is known to be below it.
        # Per chunk, a weak cosine is forgiven when BM25 found the chunk strongly (a rare name the
        # small embedding model does not know, such as "Fedyaev").
        best_bm25 = max((h.bm25 for h in bm25_hits if h.bm25 is not None), default=0.0)
        above_floor = [
            h
            for h in ranked
            if h.dense is None or h.dense >= self.min_dense_score or (h.bm25 is not None and h.bm25 >= 0.5 * best_bm25)
        ]
        kept = cap_per_file(above_floor, k, per_file or self.per_file)
        best_dense = max((h.dense for h in dense_hits if h.dense is not None), default=None)
        if not kept or (best_dense is not None and best_dense < self.min_dense_score):
            return RetrievalResult([], False, "no passage is close enough to the question", dense_hits, bm25_hits)
        missing = missing_anchors(query.anchors, [h.chunk for h in kept], self._vocabulary)
        if missing:
            reason = "the articles never mention " + ", ".join(missing)
            return RetrievalResult([], False, reason, dense_hits, bm25_hits)
        return RetrievalResult(kept, True, "", dense_hits, bm25_hits)
