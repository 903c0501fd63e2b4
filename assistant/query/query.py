"""The ``Query``: one question parsed once (type, terms, names, missions, time scope) and passed
down to every stage, so nothing below the pipeline reads the question text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from assistant.domain import VOCABULARY
from assistant.query.anchors import question_anchors
from assistant.query.classify import QuestionType, classify
from assistant.query.entity_types import amount_labels, answer_head, place_kind_asked
from assistant.query.terms import expand_terms, narrowing_terms
from assistant.query.timescope import question_time_range, without_time_words
from assistant.text.missions import find_missions
from assistant.text.people import find_people
from assistant.text.periods import DateRange
from assistant.text.sentences import split_sentences
from assistant.text.terms import STOPWORDS, content_terms, stem


@dataclass(frozen=True)
class Query:
    """Everything the stages need to know about one question."""

    text: str  # what is retrieved and answered: the standalone question
    qtype: QuestionType
    terms: list[str]  # stemmed content terms of the question
    focus: set[str]  # the terms that say what is asked, minus generic ones, with synonyms
    wants_time: bool = False
    wants_weekday: bool = False
    asks_name: bool = False
    asks_specific: bool = False  # "what specific / exactly which ..." wants the detail itself
    asks_duration: bool = False  # "how long": a number with a unit of time or length
    counted: set[str] = field(default_factory=set)  # "how many astronauts" -> {"astronaut"}
    asks_count: bool = False  # "how many": a count of the counted noun, not an amount in units ("how much")
    people: tuple[str, ...] = ()  # names the question itself mentions
    missions: tuple[str, ...] = ()  # normalised designators it names, in order ("crew-12")
    asked: str = ""  # the question as typed, when ``text`` is its standalone rewrite; else ``text``
    as_of: date | None = None  # the day the question is asked
    scope: DateRange | None = None  # the period it is about ("in 2025", "this week"), if any
    anchors: tuple[str, ...] = ()  # words a passage must contain for the question to be about it
    narrowing: frozenset[str] = frozenset()  # proper nouns that pick some people out of a group
    entity_labels: frozenset[str] = frozenset()  # spaCy labels of the entity asked for ("which airline": ORG)
    place_kind: str | None = None  # "country" / "city" when the head noun asks for that kind of place


def parse_query(question: str, as_of: date | None = None, asked: str | None = None) -> Query:
    """Parse ``question`` once; ``asked`` is the follow-up as typed when ``question`` rewrites it."""
    terms = content_terms(question)
    # A quiz question often opens with a statement ("Apple celebrated an anniversary this week. How
    # many years ago ..."): what is asked for is read from its last sentence; all of it is searched.
    asking = asking_sentence(question)
    qtype = classify(asking)
    head, labels = answer_head(asking) if qtype == "text" else (None, amount_labels(asking))
    # Focus: what a sentence must hold to be about the question. Not the time words (retrieval
    # scopes by date) and not the head noun of an entity question ("Which state ...": the
    # answering sentence says "Maryland", not "state").
    unfocused = set(content_terms(head)) if head else set()
    focus_raw = [
        t
        for t in content_terms(without_time_words(question))
        if t not in VOCABULARY.generic_terms and not re.search(r"\d", t) and t not in unfocused
    ]
    return Query(
        people=tuple(p.text for p in find_people(question)),
        missions=tuple(find_missions(question)),
        asked=asked or question,
        as_of=as_of,
        scope=question_time_range(question, as_of),
        anchors=tuple(question_anchors(question)),
        narrowing=frozenset(narrowing_terms(question)),
        entity_labels=labels,
        place_kind=place_kind_asked(head),
        text=question,
        qtype=qtype,
        terms=terms,
        focus=expand_terms(focus_raw) if focus_raw else set(),
        wants_time=bool(re.search(r"\bwhat\s+time\b|\bat\s+what\s+time\b", question.lower())),
        wants_weekday=bool(re.search(r"\bday\s+of\s+the\s+week\b|\bweekday\b", question.lower())),
        counted=_counted_terms(question),
        asks_count=bool(re.search(r"\bhow\s+many\b", question.lower())),
        asks_duration=bool(re.search(r"\bhow\s+long\b", question.lower())),
        asks_specific=bool(re.search(r"\b(?:specific|exact|exactly|precisely|particular)\b", question.lower())),
        asks_name=bool(
            re.search(
                r"\b(what|which)\s+(is|was)\s+the\s+name\b|\bwhat\s+(is|was)\s+\w+(\s+\w+)?\s+called\b|"
                r"\bname\s+of\s+the\b",
                question.lower(),
            )
        ),
    )


def asking_sentence(question: str) -> str:
    """The sentence that asks: the last one of the question (the whole of a one-sentence question)."""
    sentences = split_sentences(question)
    return sentences[-1].text if len(sentences) > 1 else question


def _counted_terms(question: str) -> set[str]:
    """The noun a how-many question counts: "How many astronauts ..." -> {"astronaut"}."""
    match = re.search(r"\bhow\s+(?:many|much)\s+([a-z][\w-]*)", question.lower())
    if not match:
        return set()
    words = [w for w in re.split(r"[\s-]+", match.group(1)) if w not in STOPWORDS]
    return {stem(w) for w in words}
