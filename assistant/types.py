"""Data passed between the stages: Article -> Chunk -> ScoredChunk -> Answer (with Citations).

All are frozen: a stage never mutates what an earlier stage produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Article:
    """One source file, decoded, with what its text says about itself."""

    file: str  # file name, unique key inside a collection
    path: str  # where it was read from
    text: str  # full decoded text; chunk offsets index into this
    body_start: int  # offset where the article body begins (after front matter)
    content_hash: str  # sha256 of ``text``; unchanged hash means nothing to re-embed
    title: str | None = None
    url: str | None = None
    published: date | None = None
    published_source: str | None = None  # "front matter", "dateline", "caption", "url", "page", "feed"
    encoding: str = "utf-8"  # what the bytes were decoded from; offsets index the decoded ``text``
    author: str | None = None  # as the page gives it (fetched articles)
    minhash: str | None = None  # encoded MinHash of its shingles (``ingest.dedup``), stored on its first chunk


@dataclass(frozen=True)
class Fact:
    """A typed statement read from one sentence of an article, kept with that sentence.

    ``kind`` is "crew" (a person on a mission), "role" (a person's post: "NASA Administrator") or
    "event" (a launch, docking or splashdown). ``start``/``end`` index ``Article.text``.
    """

    kind: str
    file: str
    start: int
    end: int
    quote: str
    mission: str | None = None  # normalised designator: "crew-11"
    person: str | None = None
    role: str | None = None  # "commander", "NASA Administrator", "head of Roscosmos"
    agency: str | None = None  # "NASA", "ESA", "Roscosmos", "JAXA", "CSA", "SpaceX"
    event: str | None = None  # "launch", "docking", "splashdown"
    status: str | None = None  # "happened" or "expected"
    day: date | None = None  # calendar date, resolved against the article's date when relative
    day_wording: str | None = None  # the article's words for it: "Saturday", "August 1, 2025"
    time: str | None = None  # "3:15 p.m. EST"
    vehicle: str | None = None
    crewed: bool | None = None
    published: date | None = None
    chunk_id: str = ""  # the stored chunk holding the sentence


@dataclass(frozen=True)
class Chunk:
    """A passage of an article with its character span in ``Article.text``."""

    id: str
    file: str
    text: str
    start: int
    end: int
    title: str | None = None
    url: str | None = None
    published: date | None = None
    facts: tuple[Fact, ...] = ()  # facts whose sentence starts in this chunk (written at ingest)
    encoding: str | None = None  # the article's source encoding when not UTF-8 (read back from the store)
    also: tuple[tuple[str, str | None], ...] = ()  # syndicated copies merged into this article: (URL or file, date)


@dataclass(frozen=True)
class ScoredChunk:
    """A retrieved chunk with the scores that put it there (None when that retriever missed it)."""

    chunk: Chunk
    score: float  # fused score used for ranking
    dense: float | None = None  # cosine similarity
    bm25: float | None = None


@dataclass(frozen=True)
class Citation:
    """Marker ``[n]`` in the answer text points here: the sentence that supports the claim."""

    n: int
    file: str
    chunk_id: str
    start: int  # span of ``quote`` in the source file's decoded text
    end: int
    quote: str
    title: str | None = None
    published: date | None = None


@dataclass(frozen=True)
class Timings:
    """Seconds spent per stage."""

    retrieve: float = 0.0
    generate: float = 0.0
    total: float = 0.0


@dataclass(frozen=True)
class Answer:
    """What every front end reads: text with ``[n]`` markers, its citations and its sources."""

    question: str
    text: str
    citations: tuple[Citation, ...] = ()
    sources: tuple[ScoredChunk, ...] = ()
    generator: str = "extractive"
    abstained: bool = False
    short_answer: str | None = None  # the bare span (name, date, number) when one was found
    notes: tuple[str, ...] = field(default=())  # e.g. "local model answer unsupported; extractive fallback"
    timings: Timings = field(default_factory=Timings)
    draft: str | None = None  # an LLM's answer before grounding (to measure what grounding rejects)
    prompt_tokens: int | None = 0  # sent to an LLM for this answer: 0 when none was asked, None when unreported

    @property
    def cited_files(self) -> list[str]:
        """File names cited, in citation order, without repeats."""
        return list(dict.fromkeys(c.file for c in self.citations))


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk as a generator sees it: ``[n]`` in a draft means this one."""

    n: int
    chunk: Chunk
