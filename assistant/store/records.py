"""What the store writes and reads per chunk: the index spec, per-file records, chunk metadata.

Chroma metadata values cannot be None, so unknown fields are left out and read back as None.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from assistant.store.facts_codec import facts_from_json, facts_to_json
from assistant.types import Article, Chunk

SCHEMA_VERSION = 1
UTF8_NAMES = {"utf-8", "utf-8-sig", "utf_8", "ascii"}  # encodings whose text needs no note on the card

# (article, its chunks, one embedding per chunk): what ``replace_articles`` writes.
ArticleWrite = tuple[Article, list[Chunk], list[list[float]]]


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
    facts_version: int = 0  # 0: written before facts were extracted


def _chunk_metadata(article: Article, chunk: Chunk, article_chunks: int = 0, facts_version: int = 0) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "file": chunk.file,
        "start": chunk.start,
        "end": chunk.end,
        "content_hash": article.content_hash,
    }
    if article_chunks:  # on an article's first chunk only: ``files()`` reads one record per file
        meta["article_chunks"] = article_chunks
    # Chroma metadata values cannot be None: leave unknown fields out.
    if article.title:
        meta["title"] = article.title
    if article.url:
        meta["url"] = article.url
    if article.published:
        meta["published"] = article.published.isoformat()
    if article.encoding not in UTF8_NAMES:
        meta["encoding"] = article.encoding  # the source card says offsets index the decoded text
    if article.author:
        meta["author"] = article.author
    if article_chunks and article.minhash:
        meta["minhash"] = article.minhash  # ``ingest.dedup`` rebuilds its LSH index from these
    meta["facts_version"] = facts_version  # which extractor wrote ``facts``; 0: none
    if chunk.facts:
        meta["facts"] = facts_to_json(chunk.facts)
    return meta


def _chunk_from_record(chunk_id: str, document: str, meta: dict[str, Any]) -> Chunk:
    published = meta.get("published")
    day = date.fromisoformat(published) if published else None
    return Chunk(
        id=chunk_id,
        file=str(meta["file"]),
        text=document,
        start=int(meta["start"]),
        end=int(meta["end"]),
        title=meta.get("title"),
        url=meta.get("url"),
        published=day,
        encoding=meta.get("encoding"),
        also=tuple((str(u), d) for u, d in json.loads(meta["also"])) if meta.get("also") else (),
        # The crews and events its sentences state: the answerer ties people to missions with them.
        facts=tuple(facts_from_json(str(meta["facts"]), str(meta["file"]), chunk_id, day)) if meta.get("facts") else (),
    )


def _file_record(meta: dict[str, Any], chunks: int) -> FileRecord:
    published = meta.get("published")
    return FileRecord(
        file=str(meta["file"]),
        content_hash=str(meta.get("content_hash", "")),
        chunks=chunks,
        title=meta.get("title"),
        published=date.fromisoformat(published) if published else None,
        facts_version=int(meta.get("facts_version", 0)),
    )
