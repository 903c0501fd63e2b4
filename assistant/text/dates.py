"""Date, time and weekday mentions in text, with weekdays resolved against the article's date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6}

_MONTH_RE = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE_PATTERNS = [
    # 2026-02-14 (optionally with a time part)
    re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?:T[\d:.+\-Z]+)?\b"),
    # February 14, 2026 / Feb. 14 / February 14th 2026
    re.compile(
        rf"\b(?P<mon>{_MONTH_RE})\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>(?:19|20)\d\d)\b)?",
        re.IGNORECASE,
    ),
    # 14 February 2026
    re.compile(rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?P<mon>{_MONTH_RE})(?:,?\s+(?P<y>(?:19|20)\d\d))?\b"),
    # February 2026 (month precision)
    re.compile(rf"\b(?P<mon>{_MONTH_RE})\s+(?P<y>(?:19|20)\d\d)\b"),
]
_TIME_RE = re.compile(
    r"\b(?P<h>[01]?\d)(?::(?P<min>[0-5]\d))?\s*(?P<ampm>[ap]\.?m\.?)"
    r"(?:\s+(?P<tz>EST|EDT|ET|GMT|UTC|PST|PDT|PT|CST|CDT|CT|BST|CET|local time|(?:[A-Z][a-z]+\s+){1,2}time))?",
    re.IGNORECASE,
)
_WEEKDAY_RE = re.compile(r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_YEAR_RE = re.compile(r"\b(?P<y>(?:19|20)\d\d)\b")
_RELATIVE_RE = re.compile(
    r"\b(?:this|last|next)\s+(?:weekend|week|month|year)\b|\b(?:yesterday|today|tomorrow)\b", re.I
)


@dataclass(frozen=True)
class DateMention:
    """A date (or time) mention: ``year``/``day`` may be unknown; ``resolved`` set for relative ones."""

    text: str
    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None
    kind: str  # "date", "month", "year", "time", "weekday", "relative"
    resolved: date | None = None

    def iso(self) -> str | None:
        """ISO form when year, month and day are all known (directly or by resolution)."""
        if self.resolved:
            return self.resolved.isoformat()
        if self.year and self.month and self.day:
            try:
                return date(self.year, self.month, self.day).isoformat()
            except ValueError:
                return None
        return None


def _month_number(token: str) -> int | None:
    return MONTHS.get(token.lower().rstrip("."))


def find_dates(text: str, published: date | None = None) -> list[DateMention]:
    """Date, time and weekday mentions, longest first at each position, in text order.

    Weekdays are resolved against ``published`` (the article's date) when it is known: a weekday
    named in a future-tense context resolves forward, otherwise to the most recent such day.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= ts or s >= te for ts, te in taken)

    for index, pattern in enumerate(_DATE_PATTERNS):
        for m in pattern.finditer(text):
            if not free(m.start(), m.end()):
                continue
            groups = m.groupdict()
            month = int(groups["m"]) if groups.get("m") else _month_number(groups.get("mon") or "")
            if not month:
                continue
            is_bare_may = index == 1 and (groups.get("mon") or "").lower() == "may" and not groups.get("y")
            if is_bare_may and not m.group(0)[0].isupper():
                continue  # "may 14" is usually the verb; require the capitalised month
            day = int(groups["d"]) if groups.get("d") else None
            if day is not None and not 1 <= day <= 31:
                continue
            year = int(groups["y"]) if groups.get("y") else None
            kind = "date" if day else "month"
            found.append(DateMention(m.group(0), m.start(), m.end(), year, month, day, kind))
            taken.append((m.start(), m.end()))
    for m in _TIME_RE.finditer(text):
        if free(m.start(), m.end()):
            found.append(DateMention(m.group(0).strip(), m.start(), m.end(), None, None, None, "time"))
            taken.append((m.start(), m.end()))
    for m in _WEEKDAY_RE.finditer(text):
        resolved = resolve_weekday(m.group("wd"), published, text[max(0, m.start() - 60) : m.start()])
        found.append(
            DateMention(
                m.group(0),
                m.start(),
                m.end(),
                resolved.year if resolved else None,
                resolved.month if resolved else None,
                resolved.day if resolved else None,
                "weekday",
                resolved,
            )
        )
        taken.append((m.start(), m.end()))
    for m in _YEAR_RE.finditer(text):
        if free(m.start(), m.end()):
            found.append(DateMention(m.group(0), m.start(), m.end(), int(m.group("y")), None, None, "year"))
    for m in _RELATIVE_RE.finditer(text):
        if free(m.start(), m.end()):
            found.append(DateMention(m.group(0), m.start(), m.end(), None, None, None, "relative"))
    return sorted(found, key=lambda d: d.start)


FUTURE_CUES = re.compile(r"\b(?:will|expected|scheduled|set to|plans?|due|is to|are to|next)\b", re.I)


def resolve_weekday(name: str, published: date | None, context_before: str = "") -> date | None:
    """The calendar date of weekday ``name`` relative to ``published``; None when undated."""
    if published is None:
        return None
    target = WEEKDAYS[name.lower()]
    if FUTURE_CUES.search(context_before):
        delta = (target - published.weekday()) % 7 or 7
        return published + timedelta(days=delta)
    delta = (published.weekday() - target) % 7
    return published - timedelta(days=delta)


def parse_date_text(value: str) -> list[DateMention]:
    """All date mentions in a free-text answer (used by eval to compare with gold ISO dates)."""
    return [d for d in find_dates(value) if d.kind in {"date", "month", "year", "weekday"}]
