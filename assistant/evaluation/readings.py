"""How the eval reads names, dates and numbers in an answer: deliberately not the system's own finders.

An answer found by ``text.people`` and scored by ``text.people`` would hide that finder's misses, so
the metric reads text its own way: names as runs of capitalised words, dates as a few written
shapes read by ``dateutil``, numbers with ``text2num`` (number words) and a digit pattern.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from dateutil import parser as date_parser
from text_to_num import alpha2digit

_WORD = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*"
_NAME_RUN = re.compile(rf"\b{_WORD}(?:\s+(?:[A-Z]\.\s+)?{_WORD})+\b")
CITATION_MARK = re.compile(r"\[\d+\]")


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


def _words_to_digits(text: str, threshold: float) -> str:
    try:
        return str(alpha2digit(text, "en", threshold=threshold))
    except (ValueError, IndexError):  # text2num gives up on rare inputs; written digits still count
        return text


# -- dates --------------------------------------------------------------------------------------

_MONTH = (
    r"(?:january|february|march|april|may|june|july|august|september|october|november|december"
    r"|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?(?![a-z])"
)
_SEP = r"[\s-]+"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?(?![\d:])"
_YEAR = rf"(?:,?{_SEP}\d{{4}}(?!\d))?"
_NAMED_DATE = re.compile(rf"\b(?:{_MONTH}{_SEP}{_DAY}{_YEAR}|{_DAY}{_SEP}(?:of{_SEP})?{_MONTH}{_YEAR})", re.IGNORECASE)
_YMD = re.compile(r"(?<![\d/.-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d/.-]*\d)")  # 2026-02-14, 2026/02/14
_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})([/.])(\d{1,2})\2(\d{4})(?![\d/.-]*\d)")  # 14/02/2026, 14.02.2026


def _day(year: int | None, month: int, day: int) -> tuple[int | None, int, int] | None:
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: "February 29" without a year is a date
    except ValueError:
        return None
    return (year, month, day)


def date_values(text: str) -> list[tuple[int | None, int, int]]:
    """(year or None, month, day) of every date written in the text, in text order per shape:
    "Feb. 14, 2026", "14 February", "the 14th of February 2026", "February fourteenth", "14-Feb-2026",
    "2026-02-14", "2026/02/14" and "14/02/2026" (day first, unless only month first is possible)."""
    out: list[tuple[int | None, int, int] | None] = []
    for m in _YMD.finditer(text):
        out.append(_day(int(m[1]), int(m[3]), int(m[4])))
    for m in _DMY.finditer(text):
        first, second = int(m[1]), int(m[3])
        day, month = (second, first) if second > 12 >= first else (first, second)
        out.append(_day(int(m[4]), month, day))
    for m in _NAMED_DATE.finditer(_words_to_digits(text, threshold=3)):  # "fourteenth" -> "14th"
        raw = m.group(0)
        try:  # a leap year as default, so "February 29" with no year still parses
            when = date_parser.parse(raw, default=datetime(2000, 1, 1), fuzzy=True)
        except (ValueError, OverflowError):
            continue
        out.append(_day(when.year if re.search(r"\d{4}", raw) else None, when.month, when.day))
    return [d for d in out if d is not None]


# -- numbers ------------------------------------------------------------------------------------

_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
_DIGITS = r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?"  # "4,000", "2.5"; not the 5 of "BA.5"
_NUMBER = re.compile(_DIGITS + r"(?:st|nd|rd|th)?(?!\w|,\d)")
_DIGITS_SCALE = re.compile(_DIGITS + r"\s*(thousand|million|billion|trillion|bn)\b")
# alpha2digit turns a bare scale word into its value ("two point five million" -> "2.5 1000000").
_NUMBER_THEN_SCALE = re.compile(r"(?<![\w.,])(\d+(?:\.\d+)?) (1000|1000000|1000000000|1000000000000)(?!\w|,\d)")
# text2num knows no "dozen" and reads "a million" as 1000000 without its "half": mapped by hand.
_WORD_NUMBERS = [
    (re.compile(r"\bhalf an? (thousand|million|billion|trillion)\b"), r"0.5 \1"),
    (re.compile(r"\b(?:an?|one) (thousand|million|billion|trillion)\b"), r"1 \1"),
    (re.compile(r"\bhalf an? dozen\b"), "6"),
    (re.compile(r"\b(?:an?|one) dozen\b"), "12"),
]
# "eight-month", "twenty-five-year-old": text2num reads a compound, not a number glued to its noun.
_GLUED = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)-(?=[a-z])")
_N_DOZEN = re.compile(r"(?<![\w.,])(\d+) dozen\b")
_AND_A_HALF = re.compile(r"(?<![\w.,])(\d+) and an? half\b")


def _digits_value(whole: str, fraction: str | None) -> float:
    return float(whole.replace(",", "") + (fraction or ""))


def _scaled(match: re.Match[str]) -> str:
    return f" {_digits_value(match[1], match[2]) * _SCALES[match[3]]:.0f} "


def digitise(text: str) -> str:
    """The text in lower case with number words and scales as plain digits: "2.5 million" ->
    "2500000", "a dozen" -> "12", "sixty percent" -> "60 percent", "the sixth" -> "the 6th"."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = CITATION_MARK.sub(" ", text)  # "[1]" is a citation, not the number one
    for pattern, replacement in _WORD_NUMBERS:
        text = pattern.sub(replacement, text)
    text = _DIGITS_SCALE.sub(_scaled, _GLUED.sub(r"\1 ", text))
    text = _words_to_digits(text, threshold=0)  # threshold 0: "one" and "two" count too
    text = _AND_A_HALF.sub(lambda m: f"{m[1]}.5", text)
    text = _NUMBER_THEN_SCALE.sub(lambda m: f"{float(m[1]) * float(m[2]):.0f}", text)
    text = _N_DOZEN.sub(lambda m: str(int(m[1]) * 12), text)
    return _DIGITS_SCALE.sub(_scaled, text)


def number_values(text: str) -> list[float]:
    """Every number in the text, in text order: digits ("1,200", "2.5 million", "60%" = 60), words
    ("twenty-five", "half a million"), "a dozen"; not the "[1]" of a citation."""
    return [_digits_value(m[1], m[2]) for m in _NUMBER.finditer(digitise(text))]
