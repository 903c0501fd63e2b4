"""Files -> articles -> chunks (annotated) -> embeddings -> Chroma: what ``Assistant.ingest`` does.

The annotator (the news stage's fact extractor, handed in by the pipeline, so ingest knows no
later stage) puts what it reads from each sentence on the chunks before they are written.
Idempotent: a file whose text hash is unchanged is skipped; one whose facts were written by an
older annotator version has them rewritten without re-embedding anything. Chunks are embedded and
written in batches of whole articles (see ``ChromaStore.replace_articles``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from assistant.errors import UnreadableFileError
from assistant.ingest.chunking import ChunkSettings, chunk_article
from assistant.ingest.dedup import THRESHOLD, CopyFinder, body_of, decode, encode, signature
from assistant.ingest.fetch import is_url
from assistant.ingest.readers import discover_files, iter_articles
from assistant.store.chroma import ChromaStore
from assistant.store.embedding import Embedder
from assistant.types import Article, Chunk

log = logging.getLogger(__name__)

# (article, its chunks) -> the same chunks with ``facts`` filled in.
Annotator = Callable[[Article, list[Chunk]], list[Chunk]]


def _no_annotation(article: Article, chunks: list[Chunk]) -> list[Chunk]:
    return chunks


@dataclass
class IngestReport:
    """What an ingest did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    chunks_written: int = 0
    seconds: float = 0.0
    syndicated: dict[str, str] = field(default_factory=dict)  # copy -> the indexed article it repeats

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.removed)} removed",
            f"{self.chunks_written} chunks written",
        ]
        if self.syndicated:
            parts.append(f"{len(self.syndicated)} syndicated copies merged")
        if self.errors:
            parts.append(f"{len(self.errors)} rejected")
        return ", ".join(parts) + f" in {self.seconds:.1f} s"

    def merged(self, other: IngestReport) -> IngestReport:
        """Both reports as one (an ingest of URLs and paths together)."""
        return IngestReport(
            self.added + other.added,
            self.updated + other.updated,
            self.unchanged + other.unchanged,
            self.removed + other.removed,
            {**self.errors, **other.errors},
            self.chunks_written + other.chunks_written,
            self.seconds + other.seconds,
            {**self.syndicated, **other.syndicated},
        )


class Indexer:
    """Writes articles into one store with one embedder and one chunking."""

    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        chunking: ChunkSettings,
        batch_size: int,
        max_file_bytes: int,
        annotate: Annotator = _no_annotation,
        annotator_version: int = 0,
        dedup_threshold: float = THRESHOLD,
    ) -> None:
        self.dedup_threshold = dedup_threshold  # 0: every article is indexed, copies too
        self._finder: CopyFinder | None = None
        self._finder_revision: int | None = None
        self.annotate = annotate
        self.annotator_version = annotator_version
        self.store = store
        self.embedder = embedder
        self.chunking = chunking
        self.batch_size = batch_size
        self.max_file_bytes = max_file_bytes

    def ingest(self, paths: Sequence[str | Path], prune: bool = False, progress: bool = True) -> IngestReport:
        """Index files and folders; with ``prune``, indexed files absent from ``paths`` are deleted."""
        started = time.perf_counter()
        report = IngestReport()
        files = discover_files(paths)
        indexed = self.store.files()
        seen: set[str] = set()
        pending: list[tuple[Article, list[Chunk]]] = []
        stale_facts: list[tuple[Article, list[Chunk]]] = []  # unchanged text, facts to rewrite
        bar = tqdm(total=len(files), desc="ingest", unit="file", disable=not progress or len(files) < 2)
        for item, path in zip(iter_articles(files, self.max_file_bytes), files, strict=True):
            bar.update(1)
            if isinstance(item, UnreadableFileError):
                report.errors[str(path)] = str(item)
                continue
            if item.file in seen:
                report.errors[str(path)] = f"another file named {item.file} was already ingested in this run."
                continue
            seen.add(item.file)
            previous = indexed.get(item.file)
            if previous and previous.content_hash == item.content_hash:
                if previous.facts_version != self.annotator_version:
                    # Same text, facts from an older extractor: rewrite metadata, re-embed nothing.
                    stale_facts.append((item, self.annotate(item, chunk_article(item, self.chunking))))
                report.unchanged.append(item.file)
                continue
            chunks = chunk_article(item, self.chunking)
            if not chunks:
                report.errors[str(path)] = f"{item.file} produced no text to index."
                continue
            (report.updated if previous else report.added).append(item.file)
            pending.append((item, chunks))
            if sum(len(c) for _, c in pending) >= self.batch_size * 8:
                report.chunks_written += self._write_new(pending, report)
                pending = []
        bar.close()
        report.chunks_written += self._write_new(pending, report)
        self.store.update_facts(stale_facts)
        if prune:
            gone = sorted(set(indexed) - seen - {Path(p).name for p in report.errors})
            gone = [f for f in gone if not is_url(f)]  # fetched articles are not files of PATHS
            self.store.delete_files(gone)
            report.removed = gone
        report.seconds = time.perf_counter() - started
        log.info("ingest: %s", report.summary())
        return report

    def ingest_articles(self, items: Iterable[Article | tuple[str, str]]) -> IngestReport:
        """Index already-built articles (fetched pages, feed items) by the same rules as ``ingest``:
        unchanged text is skipped, changed text replaced; a ``(source, reason)`` item is a rejection."""
        started = time.perf_counter()
        report = IngestReport()
        items = list(items)  # fetched first, so a slow site never holds a store read open
        wanted = [i.file for i in items if isinstance(i, Article)]
        indexed = self.store.files_named(wanted) if wanted else {}
        pending: list[tuple[Article, list[Chunk]]] = []
        for item in items:
            if isinstance(item, tuple):
                report.errors[item[0]] = item[1]
                continue
            if item.file in report.added or item.file in report.updated or item.file in report.unchanged:
                continue  # the same page listed twice (two feeds, or a feed and its page)
            previous = indexed.get(item.file)
            if previous and previous.content_hash == item.content_hash:
                report.unchanged.append(item.file)
                continue
            chunks = chunk_article(item, self.chunking)
            if not chunks:
                report.errors[item.file] = f"{item.file} produced no text to index."
                continue
            (report.updated if previous else report.added).append(item.file)
            pending.append((item, chunks))
        report.chunks_written = self._write_new(pending, report)
        report.seconds = time.perf_counter() - started
        log.info("ingest: %s", report.summary())
        return report

    def _copies(self) -> CopyFinder:
        """The LSH index of the indexed articles' signatures, reread when another writer changed the index."""
        revision = self.store.revision()
        if self._finder is None or self._finder_revision != revision:
            finder = CopyFinder(self.dedup_threshold)
            for file, stored in self.store.signatures().items():
                finder.add(file, decode(stored))
            self._finder, self._finder_revision = finder, revision
        return self._finder

    def _write_new(self, pending: list[tuple[Article, list[Chunk]]], report: IngestReport) -> int:
        """Write ``pending``, except new articles that are syndicated copies of an indexed one (or of
        one earlier in the batch): those are recorded on it ("also reported by") instead."""
        if not pending or not self.dedup_threshold:
            return self.write(pending)
        finder = self._copies()
        kept: list[tuple[Article, list[Chunk]]] = []
        copies: dict[str, list[tuple[str, str | None]]] = {}
        for article, chunks in pending:
            minhash = signature(body_of(article))
            if minhash is None:
                kept.append((article, chunks))
                continue
            found = finder.match(minhash, exclude=article.file) if article.file in report.added else None
            if found is None:
                finder.add(article.file, minhash)
                kept.append((replace(article, minhash=encode(minhash)), chunks))
                continue
            first = found[0]
            day = article.published.isoformat() if article.published else None
            copies.setdefault(first, []).append((article.url or article.file, day))
            report.added.remove(article.file)
            report.syndicated[article.file] = first
            log.info("%s is a copy of %s (estimated Jaccard %.2f): not indexed again", article.file, first, found[1])
        written = self.write(kept)
        for first, items in copies.items():
            self.store.add_copies(first, items)
        self._finder_revision = self.store.revision()  # our own writes are in the finder already
        return written

    def ingest_article(self, article: Article) -> int:
        """Index one already-built article (uploads, benchmark corpora); returns chunks written."""
        chunks = chunk_article(article, self.chunking)
        if not chunks:
            raise UnreadableFileError(f"{article.file} produced no text to index.")
        return self.write([(article, chunks)])

    def write(self, pending: list[tuple[Article, list[Chunk]]]) -> int:
        """Embed all pending chunks in one batch, then write them in one batched store write."""
        if not pending:
            return 0
        texts = [f"{c.title}\n{c.text}" if c.title else c.text for _, chunks in pending for c in chunks]
        vectors = self.embedder.embed_texts(texts)
        writes = []
        offset = 0
        for article, chunks in pending:
            writes.append((article, self.annotate(article, chunks), vectors[offset : offset + len(chunks)]))
            offset += len(chunks)
        self.store.replace_articles(writes)
        return offset
