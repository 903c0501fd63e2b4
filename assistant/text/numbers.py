"""Numbers written as digits or words, with their character spans."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
