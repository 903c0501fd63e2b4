"""Numbers written as digits or words, with their character spans.

Number words are recognised by spaCy's English lexical attribute ``like_num`` and read by
text2num (``alpha2digit``); only "dozen", which neither library reads, is handled here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from text_to_num import alpha2digit

from assistant.text.without_torch import import_without_torch

_DIGITS = re.compile(r"(?<![\w.\-])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<ord>st|nd|rd|th)?(?![\w])")
_WORD = re.compile(r"\b[A-Za-z]+\b")
_DOZEN = re.compile(r"\b(?:(?P<half>half\s+a\s+)|a\s+)?dozen\b", re.IGNORECASE)
_READ = re.compile(r"^(?P<num>\d+)(?P<ord>st|nd|rd|th)?$")
_SCALE = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
# Words that are numbers but too often not a count: "the second step", "a second".
_NOT_COUNTS = {"second"}


@lru_cache(maxsize=1)
def _like_num() -> Callable[[str], bool]:
    """spaCy's English ``like_num`` (imported on first use, without torch)."""
    like_num: Callable[[str], bool] = import_without_torch("spacy.lang.en.lex_attrs").like_num
    return like_num


@dataclass(frozen=True)
class NumberMention:
    text: str
    start: int
    end: int
    value: float
    ordinal: bool = False


def find_numbers(text: str) -> list[NumberMention]:
    """Numbers written as digits or words ("a dozen" = 12, "1.5 billion", "34-hour", "sixth")."""
    digits = _digit_numbers(text)
    # "billion" of "1.5 billion" is part of the digit mention already.
    words = [w for w in _word_numbers(text) if not any(d.start < w.end and w.start < d.end for d in digits)]
    return sorted(digits + words, key=lambda n: n.start)


def number_values(text: str) -> set[float]:
    return {n.value for n in find_numbers(text)}


def _digit_numbers(text: str) -> list[NumberMention]:
    out = []
    for m in _DIGITS.finditer(text):
        # Skip parts of mission names ("Crew-12"), dates and clock times handled elsewhere.
        before = text[max(0, m.start() - 1) : m.start()]
        after = text[m.end() : m.end() + 1]
        if before == "-" and re.search(r"[A-Za-z]-$", text[max(0, m.start() - 2) : m.start()]):
            continue
        if after == ":" or before == ":":
            continue
        value = float(m.group("num").replace(",", ""))
        end = m.end()
        scale = re.match(r"\s+(thousand|million|billion)\b", text[end:], re.I)
        if scale:
            value *= _SCALE[scale.group(1).lower()]
            end += scale.end()
        out.append(NumberMention(text[m.start() : end], m.start(), end, value, bool(m.group("ord"))))
    return out


def _word_numbers(text: str) -> list[NumberMention]:
    """Runs of number words ("twenty-one", "three million", "sixth") and "(half) a dozen"."""
    out = [
        NumberMention(m.group(0), m.start(), m.end(), 6.0 if m.group("half") else 12.0) for m in _DOZEN.finditer(text)
    ]
    runs: list[list[re.Match[str]]] = []
    for word in _WORD.finditer(text):
        if not _like_num()(word.group(0)):
            continue
        # "twenty-two" and "three million" are one number; "six-month" is "six".
        gap = text[runs[-1][-1].end() : word.start()] if runs else ""
        if runs and (gap.isspace() or gap == "-"):
            runs[-1].append(word)
        else:
            runs.append([word])
    for run in runs:
        out.extend(_read_run(text, run))
    return out


def _read_run(text: str, run: list[re.Match[str]]) -> list[NumberMention]:
    """The longest pieces of the run that text2num reads as one number each, from the left:
    "nineteen eighty-four" is 19 and 84."""
    out = []
    i = 0
    while i < len(run):
        for j in range(len(run), i, -1):
            start, end = run[i].start(), run[j - 1].end()
            read = _read(text[start:end])
            if read is not None:
                if text[start:end].lower() not in _NOT_COUNTS:
                    out.append(NumberMention(text[start:end], start, end, *read))
                i = j
                break
        else:
            i += 1
    return out


def _read(words: str) -> tuple[float, bool] | None:
    """The value of number words and whether they are an ordinal; None if they are not one number."""
    read = _READ.match(alpha2digit(words, "en", threshold=0).strip())
    return (float(read.group("num")), bool(read.group("ord"))) if read else None
