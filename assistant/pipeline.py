"""``Assistant``: the one object the CLI, the web page, the HTTP API and eval all call (a thin facade).

Data flows one way: files -> Article -> Chunk -> Chroma/BM25 (``ingest``, ``store``) -> scored
chunks (``retrieval``) -> generator -> grounding (``answer``) -> Answer. The question is parsed
once into a ``Query`` here and passed down; the crews-and-events table (``news``) answers first
when it fully understands the question. Front ends read only ``Answer``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from assistant.answer.base import Generator
from assistant.answer.compose import Clock, LlmChecks, compose, not_covered
from assistant.answer.reader import bundled_reader
from assistant.answer.registry import make_generator
from assistant.config import Settings
from assistant.errors import IndexMissingError, InvalidQuestionError
from assistant.ingest.chunking import ChunkSettings
from assistant.ingest.feedlist import FeedList
from assistant.ingest.fetch import Fetcher, is_url
from assistant.ingest.indexer import Indexer, IngestReport
from assistant.ingest.remote import Sourced, articles_from_urls
from assistant.ingest.watch import IngestFn, Watcher
from assistant.news.facts import FACTS_VERSION, attach_facts
from assistant.news.followup import condense
from assistant.news.table import FactTable
from assistant.news.table_answers import TABLE_GENERATOR, TableAnswer, answer_from_table
from assistant.query.query import Query, parse_query
from assistant.retrieval.hybrid import HybridRetriever, RetrievalMode, RetrievalResult
from assistant.retrieval.rerank import pool_size, rerank
from assistant.store.chroma import ChromaStore
from assistant.store.embedding import Embedder
from assistant.store.records import FileRecord, IndexSpec
from assistant.types import Answer, Article, Citation, ScoredChunk, Timings

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

__all__ = ["Assistant", "IngestReport", "clean_question"]


def _final_answer(items: Iterator[str | Answer]) -> Answer:
    """The ``Answer`` a stream ends with (the text pieces before it are dropped)."""
    answer = None
    for item in items:
        if isinstance(item, Answer):
            answer = item
    assert answer is not None, "a stream always ends with its Answer"
    return answer


def clean_question(question: str, max_chars: int) -> str:
    if not isinstance(question, str):
        raise InvalidQuestionError("The question must be text.")
    cleaned = _CONTROL.sub(" ", question).strip()
    if not cleaned:
        raise InvalidQuestionError("The question is empty.")
    if len(cleaned) > max_chars:
        raise InvalidQuestionError(f"The question is {len(cleaned):,} characters long; the limit is {max_chars:,}.")
    return cleaned


class Assistant:
    """Grounded question answering over an indexed folder of articles.

    >>> from assistant import Assistant
    >>> bot = Assistant.from_config(data_dir=tmp_path)        # doctest: +SKIP
    >>> report = bot.ingest("index/articles")                   # doctest: +SKIP
    >>> bot.ask("Who leads the Crew-12 mission?").short_answer  # doctest: +SKIP
    'Jessica Meir'
    """

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or Embedder(
            settings.embed_model,
            settings.embed_batch_size,
            backend=settings.embed_backend,
            cache_dir=settings.embed_cache,
        )
        self.store = ChromaStore(
            settings.collection,
            data_dir=settings.data_dir,
            host=settings.chroma_host,
            port=settings.chroma_port,
            facts_version=FACTS_VERSION,
        )
        self.retriever = HybridRetriever(
            self.store,
            self.embedder,
            top_k=settings.top_k,
            min_dense_score=settings.min_dense_score,
            snapshot_dir=settings.data_dir / "keyword_index" / settings.collection,
        )
        self.indexer = Indexer(
            self.store,
            self.embedder,
            ChunkSettings(settings.chunk_size, settings.chunk_overlap),
            settings.embed_batch_size,
            settings.max_file_bytes,
            annotate=attach_facts,
            annotator_version=FACTS_VERSION,
            dedup_threshold=settings.dedup_threshold,
        )
        self._generators: dict[str, Generator] = {}
        self._opened = False
        self._facts: tuple[int, FactTable] | None = None  # (index revision, table)
        self._empty: tuple[int, bool] | None = None  # (index revision, whether it holds no chunk)

    @classmethod
    def from_config(cls, **overrides: Any) -> Assistant:
        """Settings from the environment / ``.env``, with keyword overrides (``data_dir=...``)."""
        return cls(Settings(**overrides))

    # -- index ------------------------------------------------------------------------------
    @property
    def spec(self) -> IndexSpec:
        return IndexSpec(
            embed_model=self.embedder.model_name,
            embed_dim=self.embedder.dimension,
            chunk_size=self.settings.chunk_size,
            chunk_overlap=self.settings.chunk_overlap,
            embed_backend=self.embedder.backend,
        )

    def _open(self, create: bool) -> None:
        if self._opened:
            return
        self.store.open(self.spec, create=create)
        self._opened = True

    def ingest(self, *paths: str | Path, prune: bool = False, progress: bool = True) -> IngestReport:
        """Index files, folders and http(s) URLs (article pages, RSS/Atom feeds); unchanged files
        are skipped, changed ones replaced.

        With ``prune``, files indexed earlier but absent from ``paths`` are deleted (fetched
        articles are kept).
        """
        self._open(create=True)
        urls = [p for p in paths if isinstance(p, str) and is_url(p)]
        files = [p for p in paths if not (isinstance(p, str) and is_url(p))]
        if not urls:
            return self.indexer.ingest(files, prune=prune, progress=progress)
        report = self.ingest_urls(urls)
        return report.merged(self.indexer.ingest(files, prune=prune, progress=progress)) if files else report

    def fetcher(self, public_only: bool = False) -> Fetcher:
        """An HTTP client with the configured size cap and timeouts (close it, or use ``with``);
        ``public_only`` refuses hosts on private, loopback and link-local addresses."""
        return Fetcher(
            max_bytes=self.settings.max_file_bytes,
            read_timeout_s=self.settings.fetch_timeout_s,
            total_timeout_s=self.settings.fetch_timeout_s * 3,
            public_only=public_only,
        )

    def ingest_urls(self, urls: Sequence[str]) -> IngestReport:
        """Fetch article pages and feeds' items and index them; each failure is one line in
        ``errors`` and leaves the index as it was."""
        self._open(create=True)
        with self.fetcher() as fetcher:
            return self.indexer.ingest_articles(articles_from_urls(urls, fetcher))

    def ingest_fetched(self, items: Sequence[Sourced]) -> IngestReport:
        """Index articles already fetched (a feed watcher's new items); rejections are reported."""
        self._open(create=True)
        return self.indexer.ingest_articles(items)

    def watcher(self, interval_s: float | None = None, ingest: IngestFn | None = None) -> Watcher:
        """A watcher over the feeds followed in the data dir (``ingest``: how to index, default
        ``ingest_fetched``; the server passes one that holds its lock)."""
        return Watcher(
            FeedList(self.settings.data_dir),
            ingest or self.ingest_fetched,
            self.fetcher,
            interval_s or self.settings.feed_interval_s,
        )

    def ingest_article(self, article: Article) -> int:
        """Index one already-built article (uploads, benchmark corpora); returns chunks written."""
        self._open(create=True)
        return self.indexer.ingest_article(article)

    def documents(self) -> list[FileRecord]:
        self._open(create=False)
        return sorted(self.store.files().values(), key=lambda r: r.file)

    def facts_table(self, revision: int | None = None) -> FactTable:
        """The crews-and-events table of the index, rebuilt when the index changed."""
        self._open(create=False)
        revision = self.store.revision() if revision is None else revision
        if self._facts is None or self._facts[0] != revision:
            self._facts = (revision, FactTable(self.store.facts()))
        return self._facts[1]

    def delete(self, file: str) -> bool:
        self._open(create=False)
        exists = file in self.store.files()
        if exists:
            self.store.delete_files([file])
        return exists

    def warm_up(self) -> None:
        """Load the embedding model, the configured generator, spaCy's tagger and recogniser (parsing
        a question loads both) and BM25 now, not on the first question."""
        self.embedder.embed_query("warm up")
        self.generator()
        parse_query("Which warm-up question is this?")
        if self.store.exists():
            self._open(create=False)
            self.retriever.refresh()

    # -- answering --------------------------------------------------------------------------
    def generator(self, name: str | None = None) -> Generator:
        name = name or self.settings.generator
        if name not in self._generators:
            self._generators[name] = make_generator(name, self.settings)
        return self._generators[name]

    def retrieve(
        self,
        question: str | Query,
        top_k: int | None = None,
        mode: RetrievalMode = "fused",
        per_file: int | None = None,
        revision: int | None = None,
    ) -> RetrievalResult:
        query = question if isinstance(question, Query) else parse_query(question)
        self._open(create=False)
        revision = self.store.revision() if revision is None else revision
        if self._empty is None or self._empty[0] != revision:
            # Looking for one row still costs about 15 ms at 162k chunks in embedded Chroma, so the
            # answer is kept until the next write bumps the revision.
            self._empty = (revision, self.store.is_empty())
        if self._empty[1]:
            raise IndexMissingError("The index is empty; run `assistant ingest PATH` first.")
        return self.retriever.retrieve(query, top_k=top_k, mode=mode, per_file=per_file, revision=revision)

    def ask(
        self, question: str, *, generator: str | None = None, top_k: int | None = None, as_of: date | None = None
    ) -> Answer:
        """Answer one question with citations; abstains when the articles do not cover it.

        ``as_of`` is the day the question is asked, so "this week" in it means something
        (default: today).
        """
        query = self._query(question, as_of)
        return _final_answer(self._respond(query, generator, top_k, incremental=False))

    def chat(
        self,
        messages: Sequence[dict[str, str]],
        *,
        generator: str | None = None,
        top_k: int | None = None,
        as_of: date | None = None,
    ) -> Answer:
        """Answer the last user turn; a follow-up is first rewritten into a standalone question."""
        query = self._chat_query(messages, as_of)
        return _final_answer(self._respond(query, generator, top_k, incremental=False))

    def stream(
        self, question: str, *, generator: str | None = None, top_k: int | None = None, as_of: date | None = None
    ) -> Iterator[str | Answer]:
        """Yield grounded text pieces as they are ready, then the final ``Answer``."""
        yield from self._respond(self._query(question, as_of), generator, top_k, incremental=True)

    def stream_chat(
        self,
        messages: Sequence[dict[str, str]],
        *,
        generator: str | None = None,
        top_k: int | None = None,
        as_of: date | None = None,
    ) -> Iterator[str | Answer]:
        """``stream`` for a conversation: the last user turn, rewritten to stand on its own."""
        yield from self._respond(self._chat_query(messages, as_of), generator, top_k, incremental=True)

    def _query(self, question: str, as_of: date | None) -> Query:
        return parse_query(clean_question(question, self.settings.max_question_chars), as_of)

    def _chat_query(self, messages: Sequence[dict[str, str]], as_of: date | None) -> Query:
        condensed = condense(messages)
        if not condensed.rewritten:
            return self._query(condensed.standalone, as_of)
        # The rewrite may quote the earlier turn, so it may be up to twice as long as one turn.
        standalone = clean_question(condensed.standalone, self.settings.max_question_chars * 2)
        asked = clean_question(condensed.asked, self.settings.max_question_chars)
        return parse_query(standalone, as_of, asked=asked)

    def _respond(
        self, query: Query, generator: str | None, top_k: int | None, incremental: bool
    ) -> Iterator[str | Answer]:
        started = time.perf_counter()
        notes = [f'Read as: "{query.text}"'] if query.asked != query.text else []
        # One revision read per question serves the facts table and the BM25 index alike.
        self._open(create=False)
        revision = self.store.revision()
        table_reply = self._table_reply(query, answer_from_table(query, self.facts_table(revision)), notes, started)
        if table_reply is not None:
            yield table_reply.text
            yield table_reply
            return
        k = top_k or self.settings.top_k
        # A wide pool, two chunks per article more than the final cap, so the sentence rerank can
        # reach an article's answering chunk even when fusion ranked that article's other chunks higher.
        per_file = self.retriever.per_file
        retrieval = self.retrieve(query, top_k=pool_size(k), per_file=per_file * 2, revision=revision)
        if retrieval.relevant:
            retrieval = replace(retrieval, chunks=rerank(query, retrieval.chunks, k, per_file=per_file))
        clock = Clock(started, time.perf_counter())
        chosen = self.generator(generator)
        if not retrieval.relevant:
            answer = not_covered(query, retrieval.reason, chosen.name, notes, clock)
            yield answer.text
            yield answer
            return
        yield from compose(
            query,
            retrieval,
            chosen,
            evidence_sentences=self.settings.llm_evidence_sentences,
            incremental=incremental,
            notes=notes,
            clock=clock,
            checks=self._llm_checks(chosen),
        )

    def _llm_checks(self, generator: Generator) -> LlmChecks | None:
        """How an LLM's draft is checked: the span reader on its cited sentences, and the configured
        extractive answer (with the reader, unless turned off) to stand in for it."""
        if generator.name == "extractive":
            return None
        check = self.settings.reader and self.settings.llm_reader_check
        return LlmChecks(
            reader=bundled_reader() if check else None,
            fallback=self.generator("extractive"),
            abstention_falls_back=self.settings.llm_abstention_fallback,
            # Tuned with Qwen behind openai only; the local 135M model's drafts are rarely kept anyway.
            vouch=self.settings.llm_vouch_check and generator.name == "openai",
        )

    def _table_reply(self, query: Query, found: TableAnswer | None, notes: list[str], started: float) -> Answer | None:
        if found is None:
            return None
        chunks = {c.id: c for c in self.store.get_chunks(list(dict.fromkeys(f.chunk_id for f in found.facts)))}
        citations = tuple(
            Citation(n, f.file, f.chunk_id, f.start, f.end, f.quote, chunks[f.chunk_id].title, f.published)
            for n, f in enumerate(found.facts, start=1)
            if f.chunk_id in chunks
        )
        if len(citations) != len(found.facts):
            # A write raced the question and removed a cited chunk: answer by retrieval instead.
            log.warning("facts table cites chunks that are gone; answering by retrieval instead")
            self._facts = None
            return None
        elapsed = time.perf_counter() - started
        return Answer(
            question=query.asked,
            text=found.text,
            citations=citations,
            sources=tuple(ScoredChunk(chunk, 1.0) for chunk in chunks.values()),
            generator=TABLE_GENERATOR,  # whichever was asked for, none ran: say so
            abstained=found.abstained,
            short_answer=found.short_answer,
            notes=tuple(
                notes
                + [f"Answered from the crews-and-events table ({found.kind})."]
                + ([found.note] if found.note else [])
            ),
            timings=Timings(elapsed, 0.0, elapsed),
        )
