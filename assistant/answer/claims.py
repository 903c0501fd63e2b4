"""The checkable claims of a sentence (names, numbers, dates, mission designators) and whether a
passage holds them.

Each name, number and date is also a ``Mention`` with its span, so grounding can cut one
unsupported claim out of a draft and keep the rest (``answer/trim.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.text.dates import find_dates
from assistant.text.missions import find_missions
from assistant.text.numbers import find_numbers
from assistant.text.people import find_people

DateClaim = tuple[int | None, int | None, int | None, str]  # year, month, day, the words


@dataclass(frozen=True)
class Mention:
    """One claim of a sentence with its span there."""

    kind: str  # "person", "number" or "date"
    text: str
    start: int
    end: int
    surname: str = ""  # person
    value: float = 0.0  # number
    day: DateClaim | None = None  # date


@dataclass(frozen=True)
class Claims:
    people: list[str]
    numbers: list[float]
    dates: list[DateClaim]
    missions: list[str]

    @property
    def empty(self) -> bool:
        return not (self.people or self.numbers or self.dates or self.missions)


def claim_mentions(sentence: str) -> list[Mention]:
    """Full names, numbers (not inside a date, not ordinals) and dates (not relative), in text order."""
    date_mentions = [d for d in find_dates(sentence) if d.kind != "relative"]
    date_spans = [(d.start, d.end) for d in date_mentions]
    found = [Mention("person", p.text, p.start, p.end, surname=p.surname.lower()) for p in find_people(sentence)]
    found += [
        Mention("number", n.text, n.start, n.end, value=n.value)
        for n in find_numbers(sentence)
        if not any(s <= n.start < e for s, e in date_spans) and not n.ordinal
    ]
    found += [
        Mention("date", d.text, d.start, d.end, day=(d.year, d.month, d.day, d.text.lower())) for d in date_mentions
    ]
    return sorted(found, key=lambda m: m.start)


def claims_of(mentions: list[Mention], missions: list[str]) -> Claims:
    return Claims(
        people=[m.surname for m in mentions if m.kind == "person"],
        numbers=[m.value for m in mentions if m.kind == "number"],
        dates=[m.day for m in mentions if m.day is not None],
        missions=missions,
    )


def extract_claims(sentence: str) -> Claims:
    return claims_of(claim_mentions(sentence), find_missions(sentence))


def _date_supported(claim: DateClaim, passage_text: str, published: date | None) -> bool:
    year, month, day, raw = claim
    lowered = passage_text.lower()
    for mention in find_dates(passage_text, published):
        if mention.kind == "time" or (year is None and month is None):
            if raw.replace(" ", "") in mention.text.lower().replace(" ", ""):
                return True
            continue
        if month is not None and mention.month != month:
            continue
        if day is not None and mention.day != day:
            continue
        if year is not None and mention.year not in (None, year) and mention.kind != "weekday":
            continue
        if year is not None and month is None and mention.year != year:
            continue
        return True
    return raw in lowered


def unsupported_claims(claims: Claims, passage_text: str, published: date | None = None) -> list[str]:
    """The claims of a sentence that the passage does not contain (weekdays read against ``published``)."""
    lowered = passage_text.lower()
    missing = [p for p in claims.people if not re.search(rf"\b{re.escape(p)}\b", lowered)]
    values = {n.value for n in find_numbers(passage_text)}
    missing += [str(v) for v in claims.numbers if v not in values]
    missing += [d[3] for d in claims.dates if not _date_supported(d, passage_text, published)]
    passage_missions = set(find_missions(passage_text))
    missing += [m for m in claims.missions if m not in passage_missions]
    return missing


def mention_supported(mention: Mention, passage_text: str, published: date | None = None) -> bool:
    return not unsupported_claims(claims_of([mention], []), passage_text, published)
