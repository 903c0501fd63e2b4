"""Date, time and weekday mentions in text, with weekdays resolved against the article's date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from assistant.text.nlp import entities

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
# 24-hour clock times with a zone ("15:15 UTC", "09:30 GMT"); 12-hour ones are _TIME_RE's.
_CLOCK_RE = re.compile(r"\b(?:[01]?\d|2[0-3]):[0-5]\d\s*(?:UTC|GMT|Z|EST|EDT|ET|PST|PDT|PT|CST|CDT|CT|BST|CET)\b")
# Written forms the patterns above miss ("14/02/2026", "two days ago", "yesterday"): the text
# goes to spaCy's DATE entities and dateparser only when one of these is present, which keeps
# the recogniser off most sentences.
_NEEDS_PARSER = re.compile(r"\d[/.]\d|\bago\b|\byesterday\b|\bearlier\s+this\b", re.I)
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
    if _NEEDS_PARSER.search(text):
        for mention in _parsed_dates(text, published):
            if free(mention.start, mention.end):
                found.append(mention)
                taken.append((mention.start, mention.end))
    for pattern in (_TIME_RE, _CLOCK_RE):
        for m in pattern.finditer(text):
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


def _parsed_dates(text: str, published: date | None) -> list[DateMention]:
    """spaCy DATE entities that dateparser reads as one calendar day, relative ones against ``published``."""
    import dateparser  # slow to import; only texts with such forms pay for it

    out = []
    base = datetime.combine(published, datetime.min.time()) if published else None
    for entity in entities(text):
        if entity.label != "DATE" or re.search(r"\b(?:week|month|year|decade|century)s?\b", entity.text, re.I):
            continue  # a period, not a day
        relative = bool(re.search(r"\bago\b|\byesterday\b|\btoday\b|\btomorrow\b", entity.text, re.I))
        if relative and base is None:
            continue  # "two days ago" in an undated article is no date
        settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month", "year"]}
        if base is not None:
            settings["RELATIVE_BASE"] = base
        parsed = dateparser.parse(entity.text, languages=["en"], settings=settings)
        if parsed is None:
            continue
        day = parsed.date()
        resolved = day if relative else None
        out.append(DateMention(entity.text, entity.start, entity.end, day.year, day.month, day.day, "date", resolved))
    return out


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


def describe_date(mention: DateMention) -> str:
    """A date as written, with the day a weekday means by the article's date when it was resolved."""
    if mention.kind == "weekday" and mention.resolved:
        day = mention.resolved
        return f"{mention.text} ({day:%B} {day.day}, {day.year}, by the article's date)"
    return mention.text
