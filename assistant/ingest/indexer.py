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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from assistant.errors import UnreadableFileError
from assistant.ingest.chunking import ChunkSettings, chunk_article
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

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{len(self.unchanged)} unchanged",
            f"{len(self.removed)} removed",
            f"{self.chunks_written} chunks written",
        ]
        if self.errors:
            parts.append(f"{len(self.errors)} rejected")
        return ", ".join(parts) + f" in {self.seconds:.1f} s"


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
    ) -> None:
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
                report.chunks_written += self.write(pending)
                pending = []
        bar.close()
        report.chunks_written += self.write(pending)
        self.store.update_facts(stale_facts)
        if prune:
            gone = sorted(set(indexed) - seen - {Path(p).name for p in report.errors})
            self.store.delete_files(gone)
            report.removed = gone
        report.seconds = time.perf_counter() - started
        log.info("ingest: %s", report.summary())
        return report

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
