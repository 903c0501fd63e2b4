"""Retrieved passages -> a grounded ``Answer``: draft, ground, fall back, show conflicts.

One function for ``ask`` and ``stream`` alike: with ``incremental``, an LLM's draft is grounded
sentence by sentence as it arrives and each kept sentence is yielded at once; otherwise the whole
draft is generated first. Either way the text pieces are followed by the final ``Answer``, which
holds exactly what was shown.

- An LLM's draft is grounded claim by claim (``Grounder(partial=True)``): what its sentences do not
  hold is cut out and named in ``Answer.notes``, the rest is kept.
- An LLM that says the articles do not answer is taken at its word: an abstention. A draft that names
  what its cited sentences contradict (``verify.py``) is an abstention too, or, for a generator whose
  slips are expected (the local 135M model), replaced by the extractive answer.
- An LLM draft that keeps nothing after grounding, or has no mention of the asked-for type,
  is replaced by the extractive answer (``Answer.generator`` says "local->extractive").
- A generator that is down or slow falls back the same way, with a note that says so.
- When another retrieved article gives a different value for the answer's quantity, both are shown.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from assistant.answer.abstention import looks_like_abstention, sentence_says_not_covered
from assistant.answer.base import Draft, Generator
from assistant.answer.cited_prompt import in_article_order
from assistant.answer.conflicts import other_values
from assistant.answer.extractive import NOT_COVERED, ExtractiveGenerator
from assistant.answer.grounding import Grounder, normalise_markers
from assistant.answer.reader import SpanReader
from assistant.answer.streaming import sentence_break
from assistant.answer.verify import VOUCHED_TYPES, find_conflict, vouched
from assistant.errors import GeneratorUnavailableError
from assistant.query.answer_types import typed_candidates
from assistant.query.query import Query
from assistant.retrieval.evidence import evidence_passages
from assistant.retrieval.hybrid import RetrievalResult
from assistant.text.periods import article_date_label
from assistant.types import Answer, Passage, Timings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Clock:
    """When the question arrived and when retrieval finished (``perf_counter`` seconds)."""

    started: float
    retrieved: float

    def timings(self, generated: float | None = None) -> Timings:
        now = time.perf_counter()
        generated = now if generated is None else generated
        return Timings(self.retrieved - self.started, generated - self.retrieved, now - self.started)


@dataclass(frozen=True)
class LlmChecks:
    """How an LLM's draft is checked, and what stands in for it."""

    reader: SpanReader | None = None  # reads a person answer's cited sentences (verify.py); None: no such check
    fallback: Generator | None = None  # the extractive answer that stands in; None: the rules alone
    abstention_falls_back: bool = False  # the model's "the articles do not say" gives way to the extractive answer
    vouch: bool = False  # the model's short answer stands only where the extractive stage reaches it (verify.py)


def not_covered(query: Query, reason: str, generator: str, notes: list[str], clock: Clock) -> Answer:
    """The abstention when retrieval found nothing relevant: no invented text, no citation."""
    text = f"The articles do not cover this ({reason})."
    timings = clock.timings(clock.retrieved)
    return Answer(query.asked, text, (), (), generator, abstained=True, notes=tuple(notes), timings=timings)


def compose(
    query: Query,
    retrieval: RetrievalResult,
    generator: Generator,
    *,
    evidence_sentences: int,
    incremental: bool,
    notes: list[str],
    clock: Clock,
    checks: LlmChecks | None = None,
) -> Iterator[str | Answer]:
    """Yield the grounded text pieces of the answer, then the ``Answer`` itself."""
    checks = checks or LlmChecks()
    passages = retrieved = [Passage(i + 1, hit.chunk) for i, hit in enumerate(retrieval.chunks)]
    extractive = isinstance(generator, ExtractiveGenerator)
    if not extractive:
        passages = evidence_passages(query, passages, evidence_sentences)
        if getattr(generator, "article_order", False):
            passages = in_article_order(passages)
    grounder = Grounder(passages, question_missions=set(query.missions), partial=not extractive)
    notes = list(notes)
    draft: Draft | None = None
    generator_used = generator.name
    prompt_tokens: int | None = 0
    streamed = incremental and not extractive and getattr(generator, "streams_drafts", True)
    try:
        if streamed:
            yield from _grounded_stream(generator, query, passages, grounder)
            draft = Draft(" ".join(grounder.kept + grounder.dropped), prompt_tokens=None)
        else:
            draft = generator.generate(query, passages)
            if not draft.abstained:
                grounder.add_text(draft.text)
        prompt_tokens = draft.prompt_tokens
    except GeneratorUnavailableError as err:
        log.warning("generator %s failed: %s", generator.name, err, exc_info=err.__cause__ is not None)
        notes.append(f"{err} Showing the extractive answer instead.")
        prompt_tokens = None
    generated_at = time.perf_counter()
    short = draft.short_answer if draft else None
    abstained = bool(draft and (draft.abstained or looks_like_abstention(draft.text)) and not grounder.kept)
    if not extractive:
        verdict = _settle_llm(query, generator.name, draft, grounder, checks, notes, retrieved)
        if verdict == "abstain":
            grounder, abstained = Grounder(passages), True
        elif verdict == "fallback":
            chunk_passages = [Passage(i + 1, hit.chunk) for i, hit in enumerate(retrieval.chunks)]
            fallback = (checks.fallback or ExtractiveGenerator()).generate(query, chunk_passages)
            grounder = Grounder(chunk_passages, question_missions=set(query.missions))
            if not fallback.abstained:
                grounder.add_text(fallback.text)
            short, abstained = fallback.short_answer, fallback.abstained
            generator_used = f"{generator.name}->extractive"
        elif grounder.left_out:
            short = None  # the model's short answer had a part cut out; the text shown is the answer
    if grounder.kept and not streamed:
        yield " ".join(grounder.kept)
    elif grounder.kept and generator_used != generator.name:
        yield "\n\n" + " ".join(grounder.kept)
    if grounder.kept and not abstained and short:
        conflict = _show_conflict(query, short, grounder)
        if conflict:
            yield ("\n\n" if incremental else " ") + conflict
    citations: tuple = ()
    if not grounder.kept:
        text = f"{NOT_COVERED.rstrip('.')} (no sentence in the retrieved passages answers it)."
        if not abstained:
            notes.append("No part of the draft answer could be backed by the articles.")
        yield text
        abstained = True
    else:
        text = grounder.text
        citations = tuple(grounder.citations)
    yield Answer(
        question=query.asked,
        text=text,
        citations=citations,
        sources=tuple(retrieval.chunks),
        generator=generator_used,
        abstained=abstained,
        short_answer=short if not abstained else None,
        notes=tuple(notes),
        timings=clock.timings(generated_at),
        draft=draft.text if draft is not None and not extractive else None,
        prompt_tokens=prompt_tokens,
    )


Verdict = Literal["keep", "abstain", "fallback"]


def _settle_llm(
    query: Query,
    model: str,
    draft: Draft | None,
    grounder: Grounder,
    checks: LlmChecks,
    notes: list[str],
    retrieved: list[Passage],
) -> Verdict:
    """What becomes of an LLM's grounded draft: kept (with notes on what was cut), an abstention (the
    model said the articles do not answer, named what its sentences contradict, or gave an answer the
    extractive stage does not reach in ``retrieved``), or replaced by the extractive answer (the model
    was down, or nothing of the asked-for kind survived grounding)."""
    if draft is None:
        return "fallback"  # the generator failed; the note is already there
    if draft.abstained:
        if checks.abstention_falls_back:
            notes.append(f"The {model} model found no answer in the retrieved sentences; showing the extractive one.")
            return "fallback"
        notes.append(f"The {model} model found no answer in the retrieved sentences.")
        return "abstain"
    cited = _cited_passages(draft.text, grounder)
    conflict = find_conflict(query, draft.text, cited, grounder, checks.reader)
    if conflict is not None:
        if draft.conflict_abstains:
            notes.append(conflict.note(model))
            return "abstain"
        notes.append(f"{conflict.note(model).removesuffix('; not answering.')}; showing the extractive answer instead.")
        return "fallback"
    if not _acceptable(query, grounder):
        reason = "named nothing it could back with the articles" if grounder.kept else "was not supported"
        notes.append(f"The {model} model's answer {reason}; showing the extractive answer instead.")
        return "fallback"
    if checks.vouch and draft.short_answer and query.qtype in VOUCHED_TYPES:
        extractive = checks.fallback if isinstance(checks.fallback, ExtractiveGenerator) else ExtractiveGenerator()
        # What is shown: the short answer, or what grounding kept of it when a part was cut out.
        shown = grounder.claims_text.strip(" .") if grounder.left_out else draft.short_answer
        vouching = vouched(query, shown, retrieved, extractive, checks.reader)
        if not vouching.vouched:
            log.info(
                "unvouched %s answer %r: reader %.1f, rules %r",
                model,
                shown,
                vouching.reader_score,
                vouching.rules_answer,
            )
            notes.append(
                f'Neither the rules nor the span reader find the {model} model\'s answer "{shown}" '
                "in the retrieved sentences; not answering."
            )
            return "abstain" if draft.conflict_abstains else "fallback"
    notes.extend(f'Left out of the {model} model\'s answer: "{cut.text}" ({cut.reason}).' for cut in grounder.left_out)
    if grounder.recited:
        notes.append(f"The {model} model cited a sentence that does not hold its answer; the one that does is cited.")
    for sentence in grounder.dropped:
        if not sentence_says_not_covered(sentence):
            notes.append(f'Dropped from the {model} model\'s answer: "{sentence}" (not in the retrieved sentences).')
    return "keep"


def _cited_passages(draft_text: str, grounder: Grounder) -> list[Passage]:
    """The passages the draft's markers point at; all of them when it cites none it was shown."""
    by_n = grounder.by_n
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", normalise_markers(draft_text))]
    cited = [by_n[n] for n in dict.fromkeys(numbers) if n in by_n]
    return cited or grounder.passages


def _grounded_stream(generator: Generator, query: Query, passages: list[Passage], grounder: Grounder) -> Iterator[str]:
    """An LLM's pieces cut at sentence ends; each sentence is shown once grounding keeps it."""
    buffer = ""
    for piece in generator.stream(query, passages):
        buffer += piece
        while (cut := sentence_break(buffer)) is not None:
            sentence, buffer = buffer[:cut], buffer[cut:]
            for shown_piece in grounder.add_text(sentence):
                yield shown_piece + " "
    yield from grounder.add_text(buffer)


def _show_conflict(query: Query, short: str, grounder: Grounder) -> str | None:
    """When another retrieved article gives a different value, show both with their dates."""
    if not grounder.citations:
        return None
    first = grounder.citations[0]
    others = other_values(query, short, first.file, grounder.passages)
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


def _acceptable(query: Query, grounder: Grounder) -> bool:
    """An LLM answer counts only if something survived grounding and it has the asked-for type."""
    if not grounder.kept:
        return False
    if query.qtype == "text":
        return True
    if typed_candidates(query, grounder.claims_text, None):
        return True
    # The recogniser reads a short answer with little context ("Sophie Adenot from ESA is ..." can
    # come out as an organisation); the cited article sentences give it more: a mention of the
    # asked-for type found there and repeated in the answer counts too.
    quotes = " ".join(c.quote for c in grounder.citations)
    return any(mention in grounder.claims_text for mention, _, _ in typed_candidates(query, quotes, None))
