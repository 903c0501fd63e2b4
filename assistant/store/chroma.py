"""Chroma: the one place chunks, their embeddings and per-file bookkeeping live.

Embedded ``PersistentClient`` by default, ``HttpClient`` when a host is configured. The collection
records the embedding model and chunk settings it was built with, and a revision number that every
write bumps, so other processes (and the BM25 index) can tell when it changed.

Writes go in batches of articles (``replace_articles``): the old chunks of the batch's files that
are already indexed are deleted first, then the new chunks are added in as few ``add`` calls as
Chroma's batch limit allows, never splitting an article across two calls, and the revision is bumped
once per batch. One ``add`` is one SQLite ``INSERT`` of all its rows in embedded Chroma (its log,
``embeddings_queue``) and one request to a Chroma server, so after a crash an article is either fully
present or absent, never half there; an absent article no longer matches its hash and the next
ingest adds it again.

About 400 lines: it is the one place that talks to Chroma (connection, spec check,
revision, reads, write stamps, batched writes, deletes, query), and each of those is short; the record shapes
live in ``records.py``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from assistant.errors import IndexMismatchError, IndexMissingError, StoreUnavailableError
from assistant.store.facts_codec import facts_from_json
from assistant.store.records import (
    ArticleWrite,
    FileRecord,
    IndexSpec,
    _chunk_from_record,
    _chunk_metadata,
    _file_record,
)
from assistant.types import Article, Chunk, Fact

log = logging.getLogger(__name__)


class ChromaStore:
    """Chunks with embeddings in one Chroma collection."""

    def __init__(
        self,
        collection: str,
        data_dir: Path | None = None,
        host: str | None = None,
        port: int = 8000,
        facts_version: int = 0,
    ) -> None:
        self.collection_name = collection
        # Written on every chunk: an ingest re-extracts the facts of chunks written by an older
        # extractor. The indexer passes its extractor's version; the store knows no extractor.
        self.facts_version = facts_version
        self.data_dir = data_dir
        self.host = host
        self.port = port
        self._client: Any = None
        self._collection: Any = None
        self._max_batch: int | None = None

    # -- connection -------------------------------------------------------------------------
    @property
    def location(self) -> str:
        return f"chroma server {self.host}:{self.port}" if self.host else f"{self.data_dir}"

    def _connect(self) -> Any:
        if self._client is not None:
            return self._client
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        try:
            if self.host:
                self._client = chromadb.HttpClient(host=self.host, port=self.port, settings=chroma_settings)
                self._client.heartbeat()
            else:
                assert self.data_dir is not None
                self.data_dir.mkdir(parents=True, exist_ok=True)
                self._client = chromadb.PersistentClient(path=str(self.data_dir), settings=chroma_settings)
        except Exception as err:  # chromadb raises many types; translate at this boundary
            self._client = None
            raise StoreUnavailableError(f"Cannot open the vector store at {self.location}.") from err
        return self._client

    def reset_connection(self) -> None:
        """Forget the client so the next call reconnects (after a server restart)."""
        self._client = None
        self._collection = None
        self._max_batch = None

    def exists(self) -> bool:
        try:
            names = [getattr(c, "name", c) for c in self._connect().list_collections()]
        except StoreUnavailableError:
            raise  # from _connect, already one sentence
        except Exception as err:
            raise StoreUnavailableError(f"Cannot list collections at {self.location}.") from err
        return self.collection_name in names

    def open(self, spec: IndexSpec, create: bool) -> None:
        """Open (or create) the collection and check it was built with ``spec``."""
        client = self._connect()
        try:
            if create:
                collection = client.get_or_create_collection(
                    self.collection_name,
                    embedding_function=None,
                    metadata={**spec.as_metadata(), "revision": 0},
                    configuration={"hnsw": {"space": "cosine"}},
                )
            else:
                if not self.exists():
                    raise IndexMissingError(
                        f"There is no index at {self.location} yet; run `assistant ingest PATH` first."
                    )
                collection = client.get_collection(self.collection_name, embedding_function=None)
        except (IndexMissingError, StoreUnavailableError):
            raise
        except Exception as err:
            raise StoreUnavailableError(f"Cannot open collection {self.collection_name!r} at {self.location}.") from err
        # Collections from before the backend was recorded were all built with torch.
        recorded = {"embed_backend": "torch", **(collection.metadata or {})}
        for key, wanted in spec.as_metadata().items():
            if key in recorded and recorded[key] != wanted:
                raise IndexMismatchError(
                    f"The index at {self.location} was built with {key}={recorded[key]!r}, not {wanted!r}; "
                    "re-ingest into a new data dir or collection."
                )
        self._collection = collection

    @property
    def collection(self) -> Any:
        if self._collection is None:
            raise IndexMissingError("The index is not open.")
        return self._collection

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run a collection method, translating chromadb's errors into ours."""
        try:
            return fn(*args, **kwargs)
        except Exception as err:
            raise StoreUnavailableError(f"The vector store failed to {what}.") from err

    # -- bookkeeping ------------------------------------------------------------------------
    def revision(self) -> int:
        """Bumped on every write; cheap to poll."""
        client = self._connect()
        try:
            collection = client.get_collection(self.collection_name, embedding_function=None)
        except Exception as err:
            raise StoreUnavailableError(f"Cannot read the index at {self.location}.") from err
        return int((collection.metadata or {}).get("revision", 0))

    def _bump_revision(self) -> None:
        # Read the revision afresh: another process may have bumped it since this one opened the
        # collection, and writing back a stale number + 1 could repeat a revision readers have seen.
        try:
            fresh = self._connect().get_collection(self.collection_name, embedding_function=None)
        except Exception as err:
            raise StoreUnavailableError(f"Cannot read the index at {self.location}.") from err
        current = dict(fresh.metadata or self.collection.metadata or {})
        current["revision"] = int(current.get("revision", 0)) + 1
        # hnsw:* keys may not be modified; only our own keys are written back.
        ours = {k: v for k, v in current.items() if not k.startswith("hnsw:")}
        self._call("record the index revision", self.collection.modify, metadata=ours)

    def collection_id(self) -> str:
        """The collection's id (a UUID): a collection deleted and created again under the same name
        has a new one, so what was saved for the old one (a keyword-index snapshot) is not taken for it."""
        return str(self._call("read the collection id", getattr, self.collection, "id"))

    def count(self) -> int:
        """Rows in the collection. Embedded Chroma counts them one by one (about 22 ms at 162k
        chunks), so the question path uses ``is_empty`` instead."""
        return int(self._call("count chunks", self.collection.count))

    def is_empty(self) -> bool:
        """Whether the collection holds no chunk: one row looked up, not all of them counted."""
        return not self._call("check for chunks", self.collection.get, limit=1, include=[])["ids"]

    def files(self) -> dict[str, FileRecord]:
        """One record per indexed file (hash, chunk count, title, date).

        An article's first chunk carries the article's chunk count, so only those are read; when the
        counts do not add up to the collection's size (chunks written before the count was recorded,
        or another process writing meanwhile), every chunk's metadata is read instead.
        """
        heads: dict[str, FileRecord] = {}
        for _, _, meta in self._scan(include=["metadatas"], where={"article_chunks": {"$gt": 0}}):
            heads[str(meta["file"])] = _file_record(meta, int(meta["article_chunks"]))
        if sum(r.chunks for r in heads.values()) == self.count():
            return heads
        records: dict[str, FileRecord] = {}
        counts: dict[str, int] = {}
        for _, _, meta in self._scan(include=["metadatas"]):
            file = str(meta["file"])
            counts[file] = counts.get(file, 0) + 1
            if file not in records:
                records[file] = _file_record(meta, 0)
        return {f: replace(r, chunks=counts[f]) for f, r in records.items()}

    def files_named(self, files: Sequence[str]) -> dict[str, FileRecord]:
        """Records of just these files: what an ingest of a few fetched articles compares hashes
        against, without reading one row per indexed article as ``files()`` does."""
        records: dict[str, FileRecord] = {}
        counts: dict[str, int] = {}
        names = list(dict.fromkeys(files))
        for start in range(0, len(names), 500):
            where = {"file": {"$in": names[start : start + 500]}}
            batch = self._call("read chunks", self.collection.get, where=where, include=["metadatas"])
            for meta in batch.get("metadatas") or []:
                file = str(meta["file"])
                counts[file] = counts.get(file, 0) + 1
                records.setdefault(file, _file_record(meta, 0))
        return {f: replace(r, chunks=counts[f]) for f, r in records.items()}

    def signatures(self) -> dict[str, str]:
        """Each article's stored MinHash (``ingest.dedup``), from its first chunk; older ones have none."""
        out: dict[str, str] = {}
        for _, _, meta in self._scan(include=["metadatas"], where={"article_chunks": {"$gt": 0}}):
            if meta.get("minhash"):
                out[str(meta["file"])] = str(meta["minhash"])
        return out

    def add_copies(self, file: str, copies: Sequence[tuple[str, str | None]]) -> bool:
        """Record syndicated copies (URL or file, date) on every chunk of ``file``, so any cited chunk
        says "also reported by"; False when all were recorded already (nothing is written)."""
        batch = self._call("read chunks", self.collection.get, where={"file": file}, include=["metadatas"])
        if not batch["ids"]:
            return False
        recorded = [tuple(x) for x in json.loads(batch["metadatas"][0].get("also") or "[]")]
        merged = recorded + [tuple(c) for c in copies if tuple(c) not in recorded and c[0] != file]
        if len(merged) == len(recorded):
            return False
        also = json.dumps(merged)
        metadatas = [{**meta, "also": also} for meta in batch["metadatas"]]
        self._call("record copies", self.collection.update, ids=batch["ids"], metadatas=metadatas)
        self._bump_revision()
        return True

    def facts(self) -> list[Fact]:
        """Every fact stored with the chunks (see ``assistant.facts``)."""
        out: list[Fact] = []
        for chunk_id, _, meta in self._scan(include=["metadatas"]):
            raw = meta.get("facts")
            if raw:
                published = meta.get("published")
                day = date.fromisoformat(published) if published else None
                out.extend(facts_from_json(str(raw), str(meta["file"]), chunk_id, day))
        return out

    def update_facts(self, items: Sequence[tuple[Article, list[Chunk]]]) -> None:
        """Rewrite the facts of unchanged articles' chunks (same ids), without re-embedding: one
        ``update`` per ``max_batch_size`` records and one revision bump for the lot."""
        rows = [
            (c.id, _chunk_metadata(article, c, len(chunks) if i == 0 else 0, self.facts_version))
            for article, chunks in items
            for i, c in enumerate(chunks)
        ]
        if not rows:
            return
        limit = self.max_batch_size()
        for start in range(0, len(rows), limit):
            batch = rows[start : start + limit]
            self._call(
                "update facts",
                self.collection.update,
                ids=[i for i, _ in batch],
                metadatas=[m for _, m in batch],
            )
        self._bump_revision()

    def _scan(
        self, include: list[str], page: int = 2000, where: dict[str, Any] | None = None
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        offset = 0
        while True:
            batch = self._call(
                "read chunks", self.collection.get, include=include, limit=page, offset=offset, where=where
            )
            ids = batch["ids"]
            if not ids:
                return
            documents = batch.get("documents") or [""] * len(ids)
            metadatas = batch.get("metadatas") or [{}] * len(ids)
            yield from zip(ids, documents, metadatas, strict=True)
            if len(ids) < page:
                return
            offset += page

    def ids_written_since(self, since: float) -> list[str]:
        """Ids of chunks whose write began at or after ``since`` (epoch seconds): what a keyword
        index must add to stay in step. Ids only; the texts of unknown ones are read with ``get_chunks``."""
        ids: list[str] = []
        for chunk_id, _, _ in self._scan(include=[], page=5000, where={"written_at": {"$gte": since}}):
            ids.append(chunk_id)
        return ids

    def iter_chunks(self) -> Iterator[Chunk]:
        """Every chunk, read page by page (the BM25 build holds only the current page)."""
        for i, d, m in self._scan(include=["documents", "metadatas"]):
            yield _chunk_from_record(i, d, m)

    def all_chunks(self) -> list[Chunk]:
        return list(self.iter_chunks())

    def get_chunks(self, ids: list[str]) -> list[Chunk]:
        if not ids:
            return []
        batch = self._call("read chunks", self.collection.get, ids=ids, include=["documents", "metadatas"])
        by_id = {
            i: _chunk_from_record(i, d, m)
            for i, d, m in zip(batch["ids"], batch["documents"], batch["metadatas"], strict=True)
        }
        return [by_id[i] for i in ids if i in by_id]

    # -- writes -----------------------------------------------------------------------------
    def max_batch_size(self) -> int:
        """Most records one ``add`` may carry (embedded: SQLite's variable limit / 6)."""
        if self._max_batch is None:
            size = int(self._call("read the batch limit", self._connect().get_max_batch_size))
            self._max_batch = size if size > 0 else 5000
        return self._max_batch

    def replace_article(self, article: Article, chunks: list[Chunk], embeddings: list[list[float]]) -> None:
        """Replace one file's chunks (``replace_articles`` with a batch of one)."""
        self.replace_articles([(article, chunks, embeddings)])

    def replace_articles(self, items: Sequence[ArticleWrite]) -> None:
        """Replace the chunks of a batch of files: one lookup and one delete for the old chunks of
        those already indexed, one ``add`` per ``max_batch_size`` records (an article is never split
        across two), one revision bump."""
        if not items:
            return
        for article, chunks, embeddings in items:
            if len(chunks) != len(embeddings):
                raise ValueError(f"{article.file}: {len(chunks)} chunks but {len(embeddings)} embeddings.")
        files = list(dict.fromkeys(article.file for article, _, _ in items))
        # Stamped before the write: readers find new chunks by ``written_at`` (see ``ids_written_since``).
        stamp = time.time()
        old = self._call("find old chunks", self.collection.get, where={"file": {"$in": files}}, include=[])["ids"]
        limit = self.max_batch_size()
        heads = {chunks[0].id: len(chunks) for _, chunks, _ in items if chunks}
        for start in range(0, len(old), limit):
            self._call("delete old chunks", self.collection.delete, ids=old[start : start + limit])
        for group in self._add_groups(items, limit):
            self._call(
                "add chunks",
                self.collection.add,
                ids=[c.id for _, chunks, _ in group for c in chunks],
                documents=[c.text for _, chunks, _ in group for c in chunks],
                embeddings=[e for _, _, embeddings in group for e in embeddings],
                metadatas=[
                    {**_chunk_metadata(a, c, heads.get(c.id, 0), self.facts_version), "written_at": stamp}
                    for a, chunks, _ in group
                    for c in chunks
                ],
            )
        self._bump_revision()
        for article, chunks, _ in items:
            log.info("indexed %s: %d chunks", article.file, len(chunks))

    @staticmethod
    def _add_groups(items: Sequence[ArticleWrite], limit: int) -> Iterator[list[ArticleWrite]]:
        """Consecutive articles packed into groups of at most ``limit`` chunks; an article longer
        than ``limit`` (which ``max_file_bytes`` keeps out in practice) is cut into pieces."""
        group: list[ArticleWrite] = []
        size = 0
        for article, chunks, embeddings in items:
            if not chunks:
                continue
            if len(chunks) > limit:
                log.warning("%s has %d chunks, over one add's %d: written in pieces", article.file, len(chunks), limit)
                if group:
                    yield group
                    group, size = [], 0
                for start in range(0, len(chunks), limit):
                    yield [(article, chunks[start : start + limit], embeddings[start : start + limit])]
                continue
            if size + len(chunks) > limit:
                yield group
                group, size = [], 0
            group.append((article, chunks, embeddings))
            size += len(chunks)
        if group:
            yield group

    def delete_files(self, files: list[str]) -> None:
        if not files:
            return
        self._call("delete chunks", self.collection.delete, where={"file": {"$in": list(files)}})
        self._bump_revision()

    # -- reads ------------------------------------------------------------------------------
    def query(self, embedding: list[float], k: int, files: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """Nearest chunks with cosine similarity (1 - cosine distance).

        ``k`` is not capped at the collection's size: Chroma returns what there is, and counting
        the rows first cost more than the search itself at 10,000 articles.
        """
        if k <= 0:
            return []
        where = {"file": {"$in": files}} if files else None
        result = self._call(
            "search",
            self.collection.query,
            query_embeddings=[embedding],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        hits: list[tuple[Chunk, float]] = []
        for chunk_id, document, meta, distance in zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        ):
            hits.append((_chunk_from_record(chunk_id, document, meta), 1.0 - float(distance)))
        return hits
