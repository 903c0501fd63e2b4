"""Mentions in a text of the type a query asks for (names, dates, numbers) that the query does not
already name: what a sentence could answer the question with."""

from __future__ import annotations

import re
from datetime import date

from assistant.query.query import Query
from assistant.text.dates import find_dates
from assistant.text.numbers import find_numbers
from assistant.text.people import find_people, same_person

DURATION_UNIT = re.compile(
    r"[\s-]+(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|meters?|metres?|feet|foot|km|kilomet\w*|miles?)\b",
    re.I,
)


def typed_candidates(info: Query, text: str, published: date | None) -> list[tuple[str, int, int]]:
    """(text, start, end) of mentions of the asked-for type that the question does not already name."""
    question_lower = info.text.lower()
    if info.qtype in {"person", "people"}:
        return [
            (p.text, p.start, p.end)
            for p in find_people(text)
            if not any(same_person(p.text, asked) for asked in info.people) and p.surname.lower() not in question_lower
        ]
    if info.qtype == "date":
        mentions = [d for d in find_dates(text, published) if d.kind != "relative"]
        return [(m.text, m.start, m.end) for m in mentions if m.text.lower() not in question_lower]
    if info.qtype == "number":
        date_spans = [(d.start, d.end) for d in find_dates(text) if d.kind != "relative"]
        out = []
        for num in find_numbers(text):
            if any(s <= num.start < e for s, e in date_spans):
                continue
            if re.search(rf"\b{re.escape(num.text.lower())}\b", question_lower):
                continue
            if info.asks_duration and not DURATION_UNIT.match(text[num.end :]):
                continue  # "how long" wants "34-hour", not "18 times"
            out.append((num.text, num.start, num.end))
        return out
    return []
