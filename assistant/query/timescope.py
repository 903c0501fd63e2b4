"""The period a question is scoped to: "in February 2026", "in 2025", "this week", "in the past 10 days"."""

from __future__ import annotations

import re
from datetime import date, timedelta

from assistant.text.dates import find_dates
from assistant.text.periods import DateRange, format_day, format_range, month_range, relative_range

_QUESTION_RELATIVE = re.compile(
    r"\b(?:this|last|next)\s+(?:weekend|week|month|year)\b|\b(?:yesterday|today|tomorrow)\b", re.I
)
_RECENT_DAYS = re.compile(r"\b(?:in\s+the\s+)?(?:past|last)\s+(\d{1,3})\s+days\b", re.I)


def without_time_words(question: str) -> str:
    """The question with its relative time expressions ("this week", "in the past 10 days") removed:
    they scope the search by date and say nothing about what a sentence must contain."""
    return _QUESTION_RELATIVE.sub(" ", _RECENT_DAYS.sub(" ", question))


def question_time_range(question: str, as_of: date | None) -> DateRange | None:
    """The period a question is scoped to, or None.

    Absolute: "on February 14, 2026" (a day), "in February 2026" (a month), "in 2025" (a year).
    Relative ("this week", "last month", "in the past 10 days") needs the asking day: ``as_of``,
    or today when the caller gave none.
    """
    reference = as_of or date.today()
    recent = _RECENT_DAYS.search(question)
    if recent:
        days = int(recent.group(1))
        start = reference - timedelta(days=days)
        return DateRange(start, reference, f"the past {days} days ({format_range(start, reference)})")
    relative = _QUESTION_RELATIVE.search(question)
    if relative:
        span = relative_range(relative.group(0), reference)
        if span:
            return DateRange(span[0], span[1], f"{relative.group(0).lower()} ({format_range(*span)})")
    mentions = [m for m in find_dates(question) if m.kind in {"date", "month", "year"}]
    if len(mentions) != 1:
        return None  # none, or a comparison of several dates: not a plain scope
    mention = mentions[0]
    if mention.kind == "date" and mention.iso():
        day = date.fromisoformat(mention.iso() or "")
        return DateRange(day, day, format_day(day))
    if mention.kind == "month" and mention.year and mention.month:
        start, end = month_range(mention.year, mention.month)
        return DateRange(start, end, f"{start:%B} {start.year}")
    if mention.kind == "year" and mention.year:
        return DateRange(date(mention.year, 1, 1), date(mention.year, 12, 31), str(mention.year))
    return None
