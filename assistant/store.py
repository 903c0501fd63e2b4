"""Chroma: the one place chunks, their embeddings and per-file bookkeeping live.

Embedded ``PersistentClient`` by default, ``HttpClient`` when a host is configured. The collection
records the embedding model and chunk settings it was built with, and a revision number that every
write bumps, so other processes (and the BM25 index) can tell when it changed.

An article's chunks are written in one ``add`` call after its old chunks are deleted, so after a
crash an article is either fully present or absent, never half there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from assistant.errors import IndexMismatchError, IndexMissingError, StoreUnavailableError
from assistant.types import Article, Chunk

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class IndexSpec:
    """What a collection was built with; opening it with anything else is refused."""

    embed_model: str
    embed_dim: int
    chunk_size: int
    chunk_overlap: int
    embed_backend: str = "torch"

    def as_metadata(self) -> dict[str, Any]:
        return {
            "embed_model": self.embed_model,
            "embed_dim": self.embed_dim,
            "chunk_size": self.chunk_size,
            "chunk_overlap": self.chunk_overlap,
            "embed_backend": self.embed_backend,
            "schema": SCHEMA_VERSION,
        }


@dataclass(frozen=True)
class FileRecord:
    file: str
    content_hash: str
    chunks: int
    title: str | None
    published: date | None


def _chunk_metadata(article: Article, chunk: Chunk) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "file": chunk.file,
        "start": chunk.start,
        "end": chunk.end,
        "content_hash": article.content_hash,
    }
    # Chroma metadata values cannot be None: leave unknown fields out.
    if article.title:
        meta["title"] = article.title
    if article.url:
        meta["url"] = article.url
    if article.published:
        meta["published"] = article.published.isoformat()
    return meta


def _chunk_from_record(chunk_id: str, document: str, meta: dict[str, Any]) -> Chunk:
    published = meta.get("published")
    return Chunk(
        id=chunk_id,
        file=str(meta["file"]),
        text=document,
        start=int(meta["start"]),
        end=int(meta["end"]),
        title=meta.get("title"),
        url=meta.get("url"),
        published=date.fromisoformat(published) if published else None,
    )


class ChromaStore:
    """Chunks with embeddings in one Chroma collection."""

    def __init__(
        self,
        collection: str,
        data_dir: Path | None = None,
        host: str | None = None,
        port: int = 8000,
    ) -> None:
        self.collection_name = collection
        self.data_dir = data_dir
        self.host = host
        self.port = port
        self._client: Any = None
        self._collection: Any = None

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
        current = dict(self.collection.metadata or {})
        current["revision"] = int(current.get("revision", 0)) + 1
        # hnsw:* keys may not be modified; only our own keys are written back.
        ours = {k: v for k, v in current.items() if not k.startswith("hnsw:")}
        self._call("record the index revision", self.collection.modify, metadata=ours)

    def count(self) -> int:
        return int(self._call("count chunks", self.collection.count))

    def files(self) -> dict[str, FileRecord]:
        """One record per indexed file (hash, chunk count, title, date)."""
        records: dict[str, FileRecord] = {}
        counts: dict[str, int] = {}
        for _, _, meta in self._scan(include=["metadatas"]):
            file = str(meta["file"])
            counts[file] = counts.get(file, 0) + 1
            if file not in records:
                published = meta.get("published")
                records[file] = FileRecord(
                    file=file,
                    content_hash=str(meta.get("content_hash", "")),
                    chunks=0,
                    title=meta.get("title"),
                    published=date.fromisoformat(published) if published else None,
                )
        return {f: FileRecord(r.file, r.content_hash, counts[f], r.title, r.published) for f, r in records.items()}

    def _scan(self, include: list[str], page: int = 2000) -> Iterator[tuple[str, str, dict[str, Any]]]:
        offset = 0
        while True:
            batch = self._call("read chunks", self.collection.get, include=include, limit=page, offset=offset)
            ids = batch["ids"]
            if not ids:
                return
            documents = batch.get("documents") or [""] * len(ids)
            metadatas = batch.get("metadatas") or [{}] * len(ids)
            yield from zip(ids, documents, metadatas, strict=True)
            if len(ids) < page:
                return
            offset += page

    def all_chunks(self) -> list[Chunk]:
        return [_chunk_from_record(i, d, m) for i, d, m in self._scan(include=["documents", "metadatas"])]

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
    def replace_article(self, article: Article, chunks: list[Chunk], embeddings: list[list[float]]) -> None:
        """Delete the file's old chunks, then add all new ones in one call."""
        self._call("delete old chunks", self.collection.delete, where={"file": article.file})
        if chunks:
            self._call(
                "add chunks",
                self.collection.add,
                ids=[c.id for c in chunks],
                documents=[c.text for c in chunks],
                embeddings=embeddings,
                metadatas=[_chunk_metadata(article, c) for c in chunks],
            )
        self._bump_revision()
        log.info("indexed %s: %d chunks", article.file, len(chunks))

    def delete_files(self, files: list[str]) -> None:
        for file in files:
            self._call("delete chunks", self.collection.delete, where={"file": file})
        if files:
            self._bump_revision()

    # -- reads ------------------------------------------------------------------------------
    def query(self, embedding: list[float], k: int, files: list[str] | None = None) -> list[tuple[Chunk, float]]:
        """Nearest chunks with cosine similarity (1 - cosine distance)."""
        n = min(k, max(self.count(), 0))
        if n == 0:
            return []
        where = {"file": {"$in": files}} if files else None
        result = self._call(
            "search",
            self.collection.query,
            query_embeddings=[embedding],
            n_results=n,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        hits: list[tuple[Chunk, float]] = []
        for chunk_id, document, meta, distance in zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0], strict=True
        ):
            hits.append((_chunk_from_record(chunk_id, document, meta), 1.0 - float(distance)))
        return hits
