"""Mentions in a text of the type a query asks for (names, dates, numbers) that the query does not
already name: what a sentence could answer the question with."""

from __future__ import annotations

import re
from datetime import date

from assistant.query.query import Query
from assistant.text.dates import find_dates
from assistant.text.nlp import entities
from assistant.text.numbers import find_numbers
from assistant.text.people import NameMention, find_people, same_person
from assistant.text.terms import STOPWORDS, stem

_NUMBER_WORDS = {"percent", "per", "cent", "million", "billion", "trillion", "thousand", "hundred", "dozen"}
DURATION_UNIT = re.compile(
    r"[\s-]+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|meters?|metres?|feet|foot|km|kilomet\w*|miles?)\b",
    re.I,
)


def counts_something_else(after: str, counted: set[str]) -> bool:
    """Is a number followed by a noun other than the one the question counts ("four months" for
    "how many states")? The first lowercase content word within three words is taken as the noun
    it counts; stop words and words the number reads as a unit of ("percent") say nothing."""
    if not counted:
        return False
    words = re.findall(r"[A-Za-z]+", after[:40])[:3]
    if any(stem(w) in counted for w in words):
        return False
    nouns = [w for w in words if w.islower() and w not in STOPWORDS and w not in _NUMBER_WORDS]
    return bool(nouns) and re.match(r"(?:[\s.-]|[A-Z])*" + re.escape(nouns[0]), after) is not None


def typed_candidates(info: Query, text: str, published: date | None) -> list[tuple[str, int, int]]:
    """(text, start, end) of mentions of the asked-for type that the question does not already name."""
    question_lower = info.text.lower()
    if info.qtype in {"person", "people"}:
        # A roster lists full names. One person may be known by one name ("Beyoncé"), but the
        # recogniser also calls some one-word organisations people: one-word names count only in a
        # sentence that names nobody in full.
        def unasked(found: list[NameMention]) -> list[tuple[str, int, int]]:
            return [
                (p.text, p.start, p.end)
                for p in found
                if not any(same_person(p.text, asked) for asked in info.people)
                and p.surname.lower() not in question_lower
            ]

        full = find_people(text)
        if full or info.qtype == "people":
            return unasked(full)
        return unasked(find_people(text, min_words=1))
    if info.qtype == "date":
        mentions = [d for d in find_dates(text, published) if d.kind != "relative"]
        return [(m.text, m.start, m.end) for m in mentions if m.text.lower() not in question_lower]
    if info.qtype == "number":
        date_spans = [(d.start, d.end) for d in find_dates(text) if d.kind != "relative"]
        # An amount question ("what percentage", "how much did it cost") is answered by the whole
        # PERCENT / MONEY entity ("8.19%", "$87 million"), never by a bare number beside it.
        found = entities(text)
        amounts = [e for e in found if e.label in info.entity_labels]
        if info.entity_labels:
            return [(e.text, e.start, e.end) for e in amounts if e.text.lower() not in question_lower]
        # A number the recogniser reads as a whole date by itself is a year ("in 1860"), not a count.
        years = {(e.start, e.end) for e in found if e.label == "DATE" and re.fullmatch(r"\d{3,4}", e.text)}
        out = []
        for num in find_numbers(text):
            if num.ordinal or any(s <= num.start < e for s, e in date_spans) or (num.start, num.end) in years:
                continue  # "the third female", "98th birthday" rank, they do not count
            if re.search(rf"\b{re.escape(num.text.lower())}\b", question_lower):
                continue
            if info.asks_duration and not DURATION_UNIT.match(text[num.end :]):
                continue  # "how long" wants "34-hour", not "18 times"
            if info.asks_count and counts_something_else(text[num.end :], info.counted):
                continue  # "How many slaves ..." is not answered by "33 states"
            out.append((num.text, num.start, num.end))
        return out
    return []
