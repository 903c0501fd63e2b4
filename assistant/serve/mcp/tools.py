"""What the MCP tools do, as plain functions of an ``AssistantService``: checked arguments in, JSON out.

No MCP types here (``server.py`` registers these as tools and resources). Every bad argument is
an ``AssistantError`` whose message is one sentence, which the server returns as a tool error.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from assistant.errors import AssistantError, UnreadableFileError
from assistant.pipeline import clean_question
from assistant.query.query import parse_query
from assistant.serve.api import citation_json, cited_chunks
from assistant.serve.citation_shapes import resource_uri
from assistant.serve.service import AssistantService
from assistant.store.records import FileRecord
from assistant.types import Answer, Chunk, ScoredChunk

MAX_K = 50  # the API's and the settings' ceiling for top_k
FACT_KINDS = ("crew", "event", "role")


class BadArgumentError(AssistantError):
    """A tool argument is out of range or malformed."""

    exit_code = 2


def parse_as_of(as_of: str | None) -> date | None:
    if as_of is None or not as_of.strip():
        return None
    try:
        return date.fromisoformat(as_of.strip())
    except ValueError:
        raise BadArgumentError(f"as_of must be a date written YYYY-MM-DD, such as 2026-02-15, not {as_of!r}.") from None


def check_k(name: str, k: int | None) -> int | None:
    if k is not None and not 1 <= k <= MAX_K:
        raise BadArgumentError(f"{name} must be between 1 and {MAX_K}, not {k}.")
    return k


def answer_json(answer: Answer) -> dict[str, Any]:
    chunks = cited_chunks(answer)
    citations = [
        {**citation_json(c, chunks.get(c.chunk_id)), "resource": resource_uri(c.file)} for c in answer.citations
    ]
    return {
        "text": answer.text,
        "short_answer": answer.short_answer,
        "abstained": answer.abstained,
        "citations": citations,
        "generator": answer.generator,
        "notes": list(answer.notes),
    }


def passage_json(hit: ScoredChunk) -> dict[str, Any]:
    chunk = hit.chunk
    return {
        "file": chunk.file,
        "title": chunk.title,
        "url": chunk.url,
        "published": chunk.published.isoformat() if chunk.published else None,
        "start": chunk.start,
        "end": chunk.end,
        "text": chunk.text,
        "score": hit.score,
        "dense": hit.dense,
        "bm25": hit.bm25,
        "chunk_id": chunk.id,
        "resource": resource_uri(chunk.file),
    }


def document_json(record: FileRecord) -> dict[str, Any]:
    return {
        "file": record.file,
        "title": record.title,
        "published": record.published.isoformat() if record.published else None,
        "chunks": record.chunks,
        "resource": resource_uri(record.file),
    }


def indexed_text(chunks: list[Chunk]) -> str:
    """An article's text rebuilt from its chunks, offsets intact: ``text[c.start:c.end] == c.text``.

    The store keeps chunks, not files; characters no chunk holds (front matter, the odd gap of
    whitespace) are blanked with spaces so that every citation's span still points at its quote.
    """
    pieces: list[str] = []
    position = 0
    for chunk in sorted(chunks, key=lambda c: c.start):
        if chunk.start > position:
            pieces.append(" " * (chunk.start - position))
            position = chunk.start
        if chunk.end > position:
            pieces.append(chunk.text[position - chunk.start :])
            position = chunk.end
    return "".join(pieces)


def _mission_key(mission: str) -> str:
    return re.sub(r"[^a-z0-9]", "", mission.lower())  # "Crew-11", "crew 11" and "CREW11" are one


class NewsTools:
    """The tools over one service; ``allow_writes`` decides whether ``ingest`` exists."""

    def __init__(self, service: AssistantService, allow_writes: bool = False) -> None:
        self.service = service
        self.allow_writes = allow_writes

    def ask(self, question: str, as_of: str | None = None, top_k: int | None = None) -> dict[str, Any]:
        day = parse_as_of(as_of)
        k = check_k("top_k", top_k)
        answer = self.service.chat([{"role": "user", "content": question}], top_k=k, as_of=day)
        return answer_json(answer)

    def search(self, query: str, as_of: str | None = None, k: int | None = None) -> dict[str, Any]:
        day = parse_as_of(as_of)
        wanted = check_k("k", k) or self.service.settings.top_k
        if not query.strip():
            raise BadArgumentError("The query is empty.")
        cleaned = clean_question(query, self.service.settings.max_question_chars)
        # Held alone: one Assistant (and one spaCy pipeline) per process, shared with the page and
        # /v1 (service.py).
        with self.service.exclusive() as assistant:
            parsed = parse_query(cleaned, day)
            result = assistant.retrieve(parsed, top_k=wanted)
        return {
            "query": parsed.text,
            "relevant": result.relevant,
            "reason": result.reason or None,
            "passages": [passage_json(hit) for hit in result.chunks],
        }

    def facts(self, mission: str | None = None, kind: str | None = None) -> dict[str, Any]:
        if kind is not None and kind not in FACT_KINDS:
            raise BadArgumentError(f"kind must be one of {', '.join(FACT_KINDS)}, not {kind!r}.")
        rows = self.service.facts()
        if mission is not None and mission.strip():
            known = sorted({r["mission"] for r in rows if r["mission"]})
            rows = [r for r in rows if _mission_key(r["mission"]) == _mission_key(mission)]
            if not rows:
                listed = ", ".join(known) if known else "none"
                raise BadArgumentError(f"No fact in the articles is about mission {mission!r} (missions: {listed}).")
        if kind is not None:
            rows = [r for r in rows if r["kind"] == kind]
        return {"facts": [{**r, "resource": resource_uri(r["file"])} for r in rows]}

    def documents(self) -> dict[str, Any]:
        return {"documents": [document_json(r) for r in self.service.documents()]}

    def ingest(self, url_or_path: str) -> dict[str, Any]:
        target = url_or_path.strip()
        if not target:
            raise BadArgumentError("url_or_path is empty; give a file, a folder or a URL to index.")
        with self.service.exclusive() as assistant:
            report = assistant.ingest(target, progress=False)
        if report.errors and not (report.added or report.updated or report.unchanged):
            raise UnreadableFileError(next(iter(report.errors.values())))
        return {
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "rejected": report.errors,
            "chunks_written": report.chunks_written,
        }

    def article(self, file: str) -> str:
        """The indexed text of one article (see ``indexed_text``)."""
        if file not in {r.file for r in self.service.documents()}:  # this also opens the store
            raise UnreadableFileError(f"{file} is not in the index; the documents tool lists what is.")
        with self.service.exclusive() as assistant:
            # Every chunk is read to find one file's: the store has no per-file read, so this
            # grows with the index (a page of 2,000 chunks at a time).
            chunks = [c for c in assistant.store.iter_chunks() if c.file == file]
        return indexed_text(chunks)
