"""Evidence: every sentence of the retrieved passages scored against the query.

IDF-weighted overlap of stemmed terms with synonyms, mission designators that must agree, the
passage's rank, and whether the sentence holds a mention of the asked-for type. The rerank orders
chunks by their best sentence; the extractive answerer picks its span from the best sentences; an
LLM is shown the best few.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from assistant.query.answer_types import typed_candidates
from assistant.query.query import Query
from assistant.query.terms import term_groups
from assistant.text.dates import find_dates
from assistant.text.injection import looks_like_instruction
from assistant.text.missions import find_missions
from assistant.text.sentences import split_sentences
from assistant.text.terms import content_terms
from assistant.types import Passage


@dataclass(frozen=True)
class ScoredSentence:
    passage: Passage
    text: str
    start: int  # offset in the chunk text
    end: int
    score: float
    terms: list[str]


def sentences_of(passages: list[Passage]) -> list[tuple[Passage, str, int, int]]:
    """Sentences of all passages, each once (overlapping chunks repeat sentences).

    Sentences addressed to an AI ("ignore previous instructions ...") are never evidence, and
    neither is a question: it asserts nothing (a quiz article repeats the very question asked).
    """
    seen: set[tuple[str, int]] = set()
    out = []
    for passage in passages:
        for sentence in split_sentences(passage.chunk.text):
            key = (passage.chunk.file, passage.chunk.start + sentence.start)
            if key in seen or looks_like_instruction(sentence.text) or _is_question(sentence.text):
                continue
            seen.add(key)
            out.append((passage, sentence.text, sentence.start, sentence.end))
    return out


def _is_question(sentence: str) -> bool:
    return sentence.rstrip(" \"'”’)]*").endswith("?")


def _group_overlap(groups: list[dict[str, float]], terms: set[str], idf: dict[str, float]) -> float:
    """Sum over question terms of the best weighted IDF among the words of its group present."""
    total = 0.0
    for group in groups:
        total += max((weight * idf.get(t, 0.0) for t, weight in group.items() if t in terms), default=0.0)
    return total


@dataclass(frozen=True)
class SentenceRanking:
    sentences: list[ScoredSentence]
    idf: dict[str, float]  # term -> IDF over the candidate sentences


def score_sentences(info: Query, passages: list[Passage]) -> SentenceRanking:
    candidates = sentences_of(passages)
    if not candidates:
        return SentenceRanking([], {})
    term_lists = [content_terms(text) for _, text, _, _ in candidates]
    doc_freq: dict[str, int] = {}
    for terms in term_lists:
        for term in set(terms):
            doc_freq[term] = doc_freq.get(term, 0) + 1
    n = len(candidates)
    idf = {t: math.log(1 + n / df) for t, df in doc_freq.items()}
    groups = term_groups(info.terms)
    # A question that names someone is about them: sentences naming them come first.
    asked_surnames = {name.split()[-1].lower() for name in info.people}
    question_missions = set(info.missions)
    # A sentence rarely repeats the mission name; its article does. Missions per file, from all
    # retrieved passages of that file.
    file_missions: dict[str, set[str]] = {}
    for passage in passages:
        file_missions.setdefault(passage.chunk.file, set()).update(find_missions(passage.chunk.text))
    # Words of the question found elsewhere in the same article count a little: "the unmanned
    # Dragon" is described in one sentence and timed in another.
    file_terms: dict[str, set[str]] = {}
    for (passage, _, _, _), terms in zip(candidates, term_lists, strict=True):
        file_terms.setdefault(passage.chunk.file, set()).update(terms)
    scored = []
    for (passage, text, start, end), terms in zip(candidates, term_lists, strict=True):
        term_set = set(terms)
        overlap = _group_overlap(groups, term_set, idf)
        context = 0.25 * max(0.0, _group_overlap(groups, file_terms[passage.chunk.file], idf) - overlap)
        missions = set(find_missions(text))
        mission_bonus = 0.0
        if question_missions:
            if question_missions & missions:
                mission_bonus = 1.0
            elif missions:
                # Names another mission: about something else, unless its article is about ours.
                mission_bonus = -1.0 if question_missions & file_missions[passage.chunk.file] else -3.0
            elif question_missions & file_missions[passage.chunk.file]:
                mission_bonus = 0.5
            else:
                mission_bonus = -1.5
        rank_prior = 0.6 / passage.n
        typed = typed_candidates(info, text, passage.chunk.published)
        type_bonus = 0.0
        if typed:
            type_bonus = 1.5 + (0.5 * min(len(typed), 4) if info.qtype == "people" else 0.0)
        focus_bonus = 1.0 if info.focus & term_set else 0.0
        if asked_surnames:
            lowered = text.lower()
            focus_bonus += 2.0 * sum(1 for surname in asked_surnames if surname in lowered)
        heading_penalty = -1.0 if len(terms) < 4 else 0.0
        score = overlap + context + mission_bonus + rank_prior + type_bonus + focus_bonus + heading_penalty
        scored.append(ScoredSentence(passage, text, start, end, score, terms))
    return SentenceRanking(sorted(scored, key=lambda s: s.score, reverse=True), idf)


def evidence_passages(query: Query, passages: list[Passage], limit: int = 6) -> list[Passage]:
    """The best ``limit`` sentences of the passages, each as a passage of its own (same chunk id,
    the sentence's own span), for an LLM: short, precise context means fewer prompt tokens and
    fewer places to wander off."""
    ranking = score_sentences(query, passages)
    out = []
    for n, sentence in enumerate(ranking.sentences[:limit], start=1):
        chunk = sentence.passage.chunk
        piece = replace(chunk, text=sentence.text, start=chunk.start + sentence.start, end=chunk.start + sentence.end)
        out.append(Passage(n, piece))
    return out


def kind_bonus(info: Query, sentence: ScoredSentence) -> float:
    """Prefer the asked-for kind of date: a weekday for "which day", a clock time for "what time"."""
    if info.qtype != "date" or not (info.wants_weekday or info.wants_time):
        return 0.0
    kinds = {m.kind for m in find_dates(sentence.text, sentence.passage.chunk.published)}
    return 2.0 if ("weekday" in kinds and info.wants_weekday) or ("time" in kinds and info.wants_time) else 0.0
