"""Typed mentions found in text: people, dates and times, numbers, mission designators.

One module so that the extractive answerer, the grounding check and the eval metrics all agree on
what "the same name", "the same date" and "the same number" mean.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# ---------------------------------------------------------------------------------------------
# Dates and times
# ---------------------------------------------------------------------------------------------
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


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------
_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "million": 1_000_000,
    "dozen": 12,
    "a dozen": 12,
    "half a dozen": 6,
    "a couple": 2,
    "couple": 2,
    "single": 1,
    "both": 2,
    "once": 1,
    "twice": 2,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "twentieth": 20,
}
_WORD_NUMBER = "|".join(sorted((re.escape(w) for w in list(_UNITS) + list(_ORDINALS)), key=len, reverse=True))
_NUMBER_RE = re.compile(
    rf"(?<![\w.\-])(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<ord>st|nd|rd|th)?(?![\w])"
    rf"|\b(?P<word>{_WORD_NUMBER})\b",
    re.IGNORECASE,
)
_SCALE = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}


@dataclass(frozen=True)
class NumberMention:
    text: str
    start: int
    end: int
    value: float
    ordinal: bool = False


def find_numbers(text: str) -> list[NumberMention]:
    """Numbers written as digits or words ("a dozen" = 12, "1.5 billion", "34-hour", "sixth")."""
    out: list[NumberMention] = []
    for m in _NUMBER_RE.finditer(text):
        if m.group("num"):
            # Skip parts of mission names ("Crew-12"), dates and clock times handled elsewhere.
            before = text[max(0, m.start() - 1) : m.start()]
            after = text[m.end() : m.end() + 1]
            if before == "-" and re.search(r"[A-Za-z]-$", text[max(0, m.start() - 2) : m.start()]):
                continue
            if after == ":" or before == ":":
                continue
            value = float(m.group("num").replace(",", ""))
            ordinal = bool(m.group("ord"))
        else:
            word = m.group("word").lower()
            if word in _ORDINALS:
                value, ordinal = float(_ORDINALS[word]), True
            else:
                value, ordinal = float(_UNITS[word]), False
            if word in {"single", "both", "once", "twice", "couple", "second"}:
                continue  # too often not a count ("a single mission", "the second step")
        scale = re.match(r"\s+(thousand|million|billion)\b", text[m.end() :], re.I)
        end = m.end()
        if scale:
            value *= _SCALE[scale.group(1).lower()]
            end += scale.end()
        out.append(NumberMention(text[m.start() : end], m.start(), end, value, ordinal))
    return out


def number_values(text: str) -> set[float]:
    return {n.value for n in find_numbers(text)}


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------
# Capitalised words that belong to organisations, places, vehicles, titles or headings, never to
# a person's name. A capitalised run containing one of these is not a person.
NOT_NAME_WORDS = {
    # organisations, programmes, vehicles
    "nasa",
    "spacex",
    "esa",
    "jaxa",
    "roscosmos",
    "reuters",
    "ap",
    "space",
    "station",
    "agency",
    "program",
    "programme",
    "center",
    "centre",
    "administration",
    "exploration",
    "aerospace",
    "commercial",
    "crew",
    "dragon",
    "falcon",
    "nine",
    "capsule",
    "launch",
    "complex",
    "mission",
    "international",
    "iss",
    "company",
    "institute",
    "university",
    "department",
    "news",
    "desk",
    "telegram",
    "getty",
    "express",
    "akismet",
    "google",
    "rss",
    "starship",
    "soyuz",
    "orion",
    "artemis",
    "apollo",
    "demo",
    # places
    "kennedy",
    "johnson",
    "cape",
    "canaveral",
    "florida",
    "texas",
    "houston",
    "york",
    "new",
    "russia",
    "russian",
    "japan",
    "japanese",
    "europe",
    "european",
    "america",
    "american",
    "united",
    "states",
    "us",
    "u.s",
    "earth",
    "moon",
    "mars",
    "china",
    "chinese",
    "canada",
    "washington",
    "moscow",
    "orbit",
    # titles and roles (a title precedes the name; it is stripped, not kept)
    "president",
    "secretary",
    "administrator",
    "manager",
    "director",
    "chief",
    "ceo",
    "founder",
    "head",
    "commander",
    "pilot",
    "engineer",
    "astronaut",
    "cosmonaut",
    "minister",
    "transportation",
    "acting",
    # headings and boilerplate
    "key",
    "takeaways",
    "introduction",
    "background",
    "context",
    "objectives",
    "analysis",
    "implications",
    "citizens",
    "quotes",
    "reactions",
    "outlook",
    "sources",
    "original",
    "story",
    "read",
    "more",
    "home",
    "technology",
    "science",
    "leave",
    "comment",
    "watch",
    "revealed",
    "milestone",
    "begins",
    "journey",
    "high",
    "level",
    "diplomatic",
    "engagements",
    "precede",
    "what",
    "why",
    "how",
    "when",
    "who",
    "next",
    "happening",
    "important",
    "deep",
    "drill",
    "alien",
    "life",
    "breakthrough",
    "image",
    "images",
    # sentence-initial function words
    "the",
    "a",
    "an",
    "and",
    "but",
    "or",
    "if",
    "then",
    "after",
    "before",
    "while",
    "with",
    "for",
    "from",
    "this",
    "that",
    "these",
    "those",
    "it",
    "its",
    "on",
    "in",
    "at",
    "as",
    "by",
    "to",
    "of",
    "so",
    "since",
    "during",
    "all",
    "any",
    "some",
    "each",
    "every",
    "they",
    "we",
    "he",
    "she",
    "our",
    "their",
    "his",
    "her",
    "you",
    "your",
    "i",
    "there",
    "here",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "see",
    "inside",
}
TITLE_WORDS = {
    "president",
    "secretary",
    "administrator",
    "manager",
    "director",
    "chief",
    "ceo",
    "founder",
    "head",
    "commander",
    "pilot",
    "engineer",
    "astronaut",
    "astronauts",
    "cosmonaut",
    "minister",
    "dr",
    "mr",
    "mrs",
    "ms",
    "transportation",
    "acting",
    "program",
    "nasa",
    "spacex",
    "esa",
    "u.s",
    "us",
}
_NAME_TOKEN = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*"
_NAME_RUN = re.compile(rf"\b{_NAME_TOKEN}(?:\s+(?:[A-Z]\.\s+)?{_NAME_TOKEN})*")


@dataclass(frozen=True)
class NameMention:
    text: str
    start: int
    end: int

    @property
    def surname(self) -> str:
        return self.text.split()[-1]


def find_people(text: str) -> list[NameMention]:
    """Person names: runs of 2-3 capitalised words with no organisation/place/title word.

    Leading title words are stripped ("Transportation Secretary Sean Duffy" -> "Sean Duffy").
    Possessive endings end a run ("NASA's Jessica Meir" -> "Jessica Meir").
    """
    out: list[NameMention] = []
    for m in _NAME_RUN.finditer(text):
        tokens = [(t.group(0), m.start() + t.start()) for t in re.finditer(r"\S+", m.group(0))]
        # strip leading titles / function words
        while tokens and _bare(tokens[0][0]) in NOT_NAME_WORDS | TITLE_WORDS:
            tokens.pop(0)
        if len(tokens) < 2 or len(tokens) > 3:
            continue
        if any(_bare(tok) in NOT_NAME_WORDS for tok, _ in tokens):
            continue
        last_token, last_start = tokens[-1]
        if re.search(r"[’']s$", last_token):
            continue  # "Hathaway's" would be fine, but "Agency's Kimiya" runs are split anyway
        start = tokens[0][1]
        end = last_start + len(last_token)
        out.append(NameMention(text[start:end], start, end))
    return out


def _bare(token: str) -> str:
    return re.sub(r"[’']s$", "", token).strip(".,").lower()


def same_person(a: str, b: str) -> bool:
    """Full names match on surname (case-insensitive); "Meir" matches "Jessica Meir"."""
    sa, sb = a.split(), b.split()
    if not sa or not sb:
        return False
    return sa[-1].lower() == sb[-1].lower() and (len(sa) == 1 or len(sb) == 1 or sa[0].lower() == sb[0].lower())


# ---------------------------------------------------------------------------------------------
# Mission designators and key terms
# ---------------------------------------------------------------------------------------------
_MISSION_RE = re.compile(r"\b(?:Crew|Demo|CRS|Ax|Axiom|Inspiration|Artemis|Apollo|Polaris|Expedition)[- ]?\d+\b", re.I)


def find_missions(text: str) -> list[str]:
    """Mission designators, normalised: "Crew 12" and "crew-12" both give "crew-12"."""
    return [re.sub(r"[\s-]+", "-", m.group(0).lower()) for m in _MISSION_RE.finditer(text)]
