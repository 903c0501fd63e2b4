"""``Assistant``: the one object the CLI, the web page, the HTTP API and eval all call.

Data flows one way: files -> Article -> Chunk -> Chroma/BM25 -> scored chunks -> prompt ->
generator -> grounding -> Answer. Front ends read only ``Answer``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from tqdm import tqdm

from assistant.config import Settings
from assistant.conflicts import other_values
from assistant.embedding import Embedder
from assistant.entities import find_missions
from assistant.errors import GeneratorUnavailableError, InvalidQuestionError, UnreadableFileError
from assistant.extractive import NOT_COVERED, ExtractiveGenerator, evidence_passages
from assistant.fact_answers import TABLE_GENERATOR, TableAnswer, answer_from_table
from assistant.fact_table import FactTable, article_date_label
from assistant.facts import FACTS_VERSION, attach_facts
from assistant.followup import condense
from assistant.generation import Draft, Generator, Passage, make_generator
from assistant.grounding import Grounder
from assistant.ingest import ChunkSettings, chunk_article, discover_files, iter_articles
from assistant.llm import looks_like_abstention
from assistant.questions import analyse
from assistant.rerank import pool_size, rerank
from assistant.retrieval import HybridRetriever, RetrievalMode, RetrievalResult
from assistant.sentences import is_false_break
from assistant.store import ChromaStore, FileRecord, IndexSpec
from assistant.types import Answer, Article, Chunk, Citation, ScoredChunk, Timings

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SENTENCE_DONE = re.compile(r"[.!?…](?:\s*\[\d+\])*[\"'”’)]*\s+(?=\S)")


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


def _final_answer(items: Iterator[str | Answer]) -> Answer:
    """The ``Answer`` a stream ends with (the text pieces before it are dropped)."""
    answer = None
    for item in items:
        if isinstance(item, Answer):
            answer = item
    assert answer is not None, "a stream always ends with its Answer"
    return answer


def _sentence_break(buffer: str) -> int | None:
    """Where the first finished sentence of streamed text ends, or None while it may go on.

    A period is a break only once the next word has fully arrived: "3:15 p.m." followed by "E"
    could still become "p.m. EST", which does not end the sentence.
    """
    for match in _SENTENCE_DONE.finditer(buffer):
        next_word = re.match(r"\S+(?=\s)", buffer[match.end() :])
        if next_word is None:
            return None
        if not is_false_break(buffer, match.start(), next_word.group()):
            return match.end()
    return None


def _display_anchor(anchor: str) -> str:
    """Anchors are lower-cased; mission designators read better as "Crew-12"."""
    return anchor.capitalize() if re.fullmatch(r"[a-z]+-\d+", anchor) else anchor


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
        )
        self.retriever = HybridRetriever(
            self.store, self.embedder, top_k=settings.top_k, min_dense_score=settings.min_dense_score
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
        """Index files and folders; unchanged files are skipped, changed ones replaced.

        With ``prune``, files indexed earlier but absent from ``paths`` are deleted.
        """
        started = time.perf_counter()
        self._open(create=True)
        report = IngestReport()
        files = discover_files(paths)
        indexed = self.store.files()
        seen: set[str] = set()
        pending: list[tuple[Article, list[Chunk]]] = []
        stale_facts: list[tuple[Article, list[Chunk]]] = []  # unchanged text, facts to rewrite
        settings = ChunkSettings(self.settings.chunk_size, self.settings.chunk_overlap)
        bar = tqdm(total=len(files), desc="ingest", unit="file", disable=not progress or len(files) < 2)
        for item, path in zip(iter_articles(files, self.settings.max_file_bytes), files, strict=True):
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
                if previous.facts_version != FACTS_VERSION:
                    # Same text, facts from an older extractor: rewrite metadata, re-embed nothing.
                    stale_facts.append((item, attach_facts(item, chunk_article(item, settings))))
                report.unchanged.append(item.file)
                continue
            chunks = chunk_article(item, settings)
            if not chunks:
                report.errors[str(path)] = f"{item.file} produced no text to index."
                continue
            (report.updated if previous else report.added).append(item.file)
            pending.append((item, chunks))
            if sum(len(c) for _, c in pending) >= self.settings.embed_batch_size * 8:
                report.chunks_written += self._write(pending)
                pending = []
        bar.close()
        report.chunks_written += self._write(pending)
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
        self._open(create=True)
        chunks = chunk_article(article, ChunkSettings(self.settings.chunk_size, self.settings.chunk_overlap))
        if not chunks:
            raise UnreadableFileError(f"{article.file} produced no text to index.")
        return self._write([(article, chunks)])

    def _write(self, pending: list[tuple[Article, list[Chunk]]]) -> int:
        """Embed all pending chunks in one batch, then write them in one batched store write."""
        if not pending:
            return 0
        texts = [f"{c.title}\n{c.text}" if c.title else c.text for _, chunks in pending for c in chunks]
        vectors = self.embedder.embed_texts(texts)
        writes = []
        offset = 0
        for article, chunks in pending:
            writes.append((article, attach_facts(article, chunks), vectors[offset : offset + len(chunks)]))
            offset += len(chunks)
        self.store.replace_articles(writes)
        return offset

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
        """Load the embedding model, the configured generator and BM25 now, not on the first question."""
        self.embedder.embed_query("warm up")
        self.generator()
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
        question: str,
        top_k: int | None = None,
        mode: RetrievalMode = "fused",
        per_file: int | None = None,
        revision: int | None = None,
    ) -> RetrievalResult:
        self._open(create=False)
        revision = self.store.revision() if revision is None else revision
        if self._empty is None or self._empty[0] != revision:
            # Looking for one row still costs about 15 ms at 162k chunks in embedded Chroma, so the
            # answer is kept until the next write bumps the revision.
            self._empty = (revision, self.store.is_empty())
        if self._empty[1]:
            from assistant.errors import IndexMissingError

            raise IndexMissingError("The index is empty; run `assistant ingest PATH` first.")
        return self.retriever.retrieve(question, top_k=top_k, mode=mode, per_file=per_file, revision=revision)

    def ask(
        self, question: str, *, generator: str | None = None, top_k: int | None = None, as_of: date | None = None
    ) -> Answer:
        """Answer one question with citations; abstains when the articles do not cover it.

        ``as_of`` is the day the question is asked, so "this week" in it means something
        (default: today).
        """
        return _final_answer(self.stream(question, generator=generator, top_k=top_k, as_of=as_of, _incremental=False))

    def chat(
        self,
        messages: Sequence[dict[str, str]],
        *,
        generator: str | None = None,
        top_k: int | None = None,
        as_of: date | None = None,
    ) -> Answer:
        """Answer the last user turn; a follow-up is first rewritten into a standalone question."""
        return _final_answer(
            self.stream_chat(messages, generator=generator, top_k=top_k, as_of=as_of, _incremental=False)
        )

    def stream_chat(
        self,
        messages: Sequence[dict[str, str]],
        *,
        generator: str | None = None,
        top_k: int | None = None,
        as_of: date | None = None,
        _incremental: bool = True,
    ) -> Iterator[str | Answer]:
        """``stream`` for a conversation: the last user turn, rewritten to stand on its own."""
        condensed = condense(messages)
        yield from self.stream(
            condensed.standalone,
            generator=generator,
            top_k=top_k,
            as_of=as_of,
            _incremental=_incremental,
            _asked=condensed.asked if condensed.rewritten else None,
        )

    def stream(
        self,
        question: str,
        *,
        generator: str | None = None,
        top_k: int | None = None,
        as_of: date | None = None,
        _incremental: bool = True,
        _asked: str | None = None,
    ) -> Iterator[str | Answer]:
        """Yield grounded text pieces as they are ready, then the final ``Answer``.

        ``_asked`` is the follow-up as typed when ``question`` is its standalone rewrite.
        """
        started = time.perf_counter()
        question = clean_question(question, self.settings.max_question_chars * (2 if _asked else 1))
        query = question
        rewrite_note = [f'Read as: "{question}"'] if _asked else []
        if _asked:
            question = clean_question(_asked, self.settings.max_question_chars)
        # One revision read per question serves the facts table and the BM25 index alike.
        self._open(create=False)
        revision = self.store.revision()
        table_answer = answer_from_table(query, self.facts_table(revision), as_of)
        table_reply = self._answer_from_table(question, table_answer, rewrite_note, started)
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
        retrieved_at = time.perf_counter()
        chosen = self.generator(generator)
        if not retrieval.relevant:
            text = f"The articles do not cover this ({retrieval.reason})."
            yield text
            yield Answer(
                question,
                text,
                (),
                (),
                chosen.name,
                abstained=True,
                notes=tuple(rewrite_note),
                timings=Timings(retrieved_at - started, 0.0, time.perf_counter() - started),
            )
            return
        passages = [Passage(i + 1, hit.chunk) for i, hit in enumerate(retrieval.chunks)]
        missions = set(find_missions(query))
        if not isinstance(chosen, ExtractiveGenerator):
            passages = evidence_passages(query, passages, self.settings.llm_evidence_sentences)
        grounder = Grounder(passages, question_missions=missions)
        notes: list[str] = []
        draft: Draft | None = None
        generator_used = chosen.name
        try:
            if isinstance(chosen, ExtractiveGenerator) or not _incremental:
                draft = chosen.generate(query, passages)
                shown = grounder.add_text(draft.text) if not draft.abstained else []
                if shown:
                    yield " ".join(shown)
            else:
                buffer = ""
                for piece in chosen.stream(query, passages):
                    buffer += piece
                    while (cut := _sentence_break(buffer)) is not None:
                        sentence, buffer = buffer[:cut], buffer[cut:]
                        for shown_piece in grounder.add_text(sentence):
                            yield shown_piece + " "
                for shown_piece in grounder.add_text(buffer):
                    yield shown_piece
                draft = Draft(" ".join(grounder.kept + grounder.dropped))
        except GeneratorUnavailableError as err:
            log.warning("generator %s failed: %s", chosen.name, err, exc_info=err.__cause__ is not None)
            notes.append(f"{err} Showing the extractive answer instead.")
        generated_at = time.perf_counter()
        short = draft.short_answer if draft else None
        abstained = bool(draft and (draft.abstained or looks_like_abstention(draft.text)) and not grounder.kept)
        if chosen.name != "extractive" and not self._acceptable(query, grounder):
            if draft is not None and not notes:
                reason = "named nothing it could back with the articles" if grounder.kept else "was not supported"
                notes.append(f"The {chosen.name} model's answer {reason}; showing the extractive answer instead.")
            chunk_passages = [Passage(i + 1, hit.chunk) for i, hit in enumerate(retrieval.chunks)]
            fallback = ExtractiveGenerator().generate(query, chunk_passages)
            grounder = Grounder(chunk_passages, question_missions=missions)
            shown = grounder.add_text(fallback.text) if not fallback.abstained else []
            if shown:
                yield ("\n\n" if _incremental else "") + " ".join(shown)
            short, abstained = fallback.short_answer, fallback.abstained
            generator_used = f"{chosen.name}->extractive"
        if grounder.kept and not abstained and short:
            conflict = self._show_conflict(query, short, grounder)
            if conflict:
                yield ("\n\n" if _incremental else " ") + conflict
        if not grounder.kept:
            text = f"{NOT_COVERED.rstrip('.')} (no sentence in the retrieved passages answers it)."
            if not abstained:
                notes.append("No part of the draft answer could be backed by the articles.")
            yield text
            abstained = True
            citations: tuple = ()
        else:
            text = grounder.text
            citations = tuple(grounder.citations)
        yield Answer(
            question=question,
            text=text,
            citations=citations,
            sources=tuple(retrieval.chunks),
            generator=generator_used,
            abstained=abstained,
            short_answer=short if not abstained else None,
            notes=tuple(rewrite_note + notes),
            timings=Timings(retrieved_at - started, generated_at - retrieved_at, time.perf_counter() - started),
        )

    def _answer_from_table(
        self, question: str, found: TableAnswer | None, notes: list[str], started: float
    ) -> Answer | None:
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
            question=question,
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

    def _show_conflict(self, question: str, short: str, grounder: Grounder) -> str | None:
        """When another retrieved article gives a different value, show both with their dates."""
        if not grounder.citations:
            return None
        first = grounder.citations[0]
        others = other_values(question, short, first.file, grounder.passages)
        if not others:
            return None
        grounder.label(0, article_date_label(first.published))
        shown = []
        for other in others:
            sentence = f"Another article gives {other.value} [{other.passage.n}]."
            if grounder.add_sentence(sentence):
                grounder.label(len(grounder.kept) - 1, article_date_label(other.passage.chunk.published))
                shown.append(grounder.kept[-1])
        return " ".join(shown) or None

    @staticmethod
    def _acceptable(question: str, grounder: Grounder) -> bool:
        """An LLM answer counts only if something survived grounding and it has the asked-for type."""
        if not grounder.kept:
            return False
        from assistant.extractive import _typed_candidates

        info = analyse(question)
        if info.qtype == "text":
            return True
        return bool(_typed_candidates(info, grounder.text, None))
