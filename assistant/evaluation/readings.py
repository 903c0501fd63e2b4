"""How the eval reads names, dates and numbers in an answer: deliberately not the system's own finders.

An answer found by ``text.people`` and scored by ``text.people`` would hide that finder's misses, so
the metric reads text its own way: names as runs of capitalised words, dates with ``dateutil``,
numbers with ``text2num`` (number words) and a digit pattern.
"""

from __future__ import annotations

import re
from datetime import datetime

from dateutil import parser as date_parser
from text_to_num import alpha2digit

_WORD = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*"
_NAME_RUN = re.compile(rf"\b{_WORD}(?:\s+(?:[A-Z]\.\s+)?{_WORD})+\b")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE_SHAPES = re.compile(
    rf"\b(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{4}})?"
    rf"|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}/\d{{1,2}}/\d{{4}})\b"
)
_SCALED = re.compile(r"(\d+(?:\.\d+)?)\s*(thousand|million|billion)\b", re.I)
_DIGITS = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])\d+(?:\.\d+)?")
_SCALE = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
_DOZEN = re.compile(r"\b(half\s+a\s+)?(a\s+)?dozen\b", re.I)


def name_runs(text: str, outside_brackets: bool = False) -> list[str]:
    """Runs of two or more capitalised words (the eval's idea of a name), in text order, unique.

    A title stays on the run ("Transportation Secretary Sean Duffy"): ``same_person`` compares the
    end of a run. With ``outside_brackets``, what stands in parentheses (a post, an agency) is skipped.
    """
    text = text.replace("**", "")
    if outside_brackets:
        text = re.sub(r"\([^)]*\)", " ", text)
    runs = [m.group(0) for m in _NAME_RUN.finditer(text)]
    return list(dict.fromkeys(runs))


def same_person(a: str, b: str) -> bool:
    """Same surname, and the same first name when both give one ("Meir" = "Jessica Meir"); a run
    with a title in front matches on its last two words ("Secretary Sean Duffy" = "Sean Duffy")."""
    sa, sb = a.lower().split()[-2:], b.lower().split()[-2:]
    if not sa or not sb or sa[-1] != sb[-1]:
        return False
    return len(sa) == 1 or len(sb) == 1 or sa[0] == sb[0]


def date_values(text: str) -> list[tuple[int | None, int, int]]:
    """(year or None, month, day) of every date written in the text; "14/02/2026" reads day first."""
    out: list[tuple[int | None, int, int]] = []
    for match in _DATE_SHAPES.finditer(text):
        raw = match.group(0)
        has_year = bool(re.search(r"\d{4}", raw))
        try:
            day = date_parser.parse(raw, default=datetime(1900, 1, 1), dayfirst="/" in raw, fuzzy=True)
        except (ValueError, OverflowError):
            continue
        out.append((day.year if has_year else None, day.month, day.day))
    return out


def number_values(text: str) -> list[float]:
    """Every number in the text: digits ("1,200", "2.5 million"), words ("twenty-five"), "a dozen"."""
    text = _DOZEN.sub(lambda m: " 6 " if m.group(1) else " 12 ", text)
    values: list[float] = []
    for match in _SCALED.finditer(text):
        values.append(float(match.group(1)) * _SCALE[match.group(2).lower()])
    # "eight-month" and "twenty-five": text2num reads hyphenated compounds, not a number glued to its noun.
    spaced = re.sub(
        r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)-(?=[a-z])", r"\1 ", _SCALED.sub(" ", text)
    )
    converted = alpha2digit(spaced, "en")
    values.extend(float(m.group(0).replace(",", "")) for m in _DIGITS.finditer(converted))
    return values
