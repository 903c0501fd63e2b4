"""Sentence spans with character offsets, so a citation can quote the exact sentence it relies on.

News text mixes prose, captions, headings and bullet lines. A blank line, a heading/bullet line or
a line that ends like a sentence closes a sentence; a single newline inside a sentence ("led\\nby")
does not. Inside a line, punctuation followed by a capital starts a new sentence unless the
period belongs to a known abbreviation ("p.m. EST", "Feb. 14", "U.S. President").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = {
    "a.m",
    "p.m",
    "u.s",
    "u.k",
    "u.n",
    "dr",
    "mr",
    "mrs",
    "ms",
    "st",
    "jr",
    "sr",
    "no",
    "vs",
    "inc",
    "co",
    "corp",
    "ltd",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "gov",
    "sen",
    "rep",
    "prof",
    "etc",
    "e.g",
    "i.e",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "approx",
}
# Abbreviations that are also ordinary sentence ends when followed by a capitalised word.
_TIME_ABBREVIATIONS = {"a.m", "p.m"}
_TIME_ZONES = {"EST", "EDT", "ET", "GMT", "UTC", "PST", "PDT", "PT", "CST", "CDT", "CT", "BST", "CET"}

_PLACE_TIME = re.compile(r"\s+(?:[A-Z][a-z]+\s+){1,2}time\b")

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_LINE_END_PUNCT = re.compile(r"[.!?:;…\"'”’)\]*]\s*$")
_BLOCK_LINE = re.compile(r"^\s*(#{1,6}\s|[*\-•]\s|\d+[.)]\s|---\s*$|>)")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int


def _line_spans(text: str) -> list[tuple[int, int]]:
    """Group lines into blocks that may hold several sentences but never span a real break."""
    blocks: list[tuple[int, int]] = []
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]*", text) if m.end() > m.start()]
    current: tuple[int, int] | None = None
    for start, end in lines:
        line = text[start:end]
        if not line.strip():
            if current:
                blocks.append(current)
            current = None
            continue
        if current is None:
            current = (start, end)
            continue
        previous = text[current[0] : current[1]]
        joins = (
            not _LINE_END_PUNCT.search(previous)
            and not _BLOCK_LINE.match(line)
            and not _BLOCK_LINE.match(previous.split("\n")[-1])
            and line.lstrip()[:1].islower()
        )
        if joins:
            current = (current[0], end)
        else:
            blocks.append(current)
            current = (start, end)
    if current:
        blocks.append(current)
    return blocks


def is_false_break(block: str, punct_at: int, next_word: str) -> bool:
    """True when the period at ``punct_at`` ends an abbreviation rather than a sentence."""
    if block[punct_at] != ".":
        return False
    word_match = re.search(r"([A-Za-z.]+)$", block[:punct_at])
    if not word_match:
        return False
    word = word_match.group(1).lower().strip(".")
    if word in _TIME_ABBREVIATIONS:
        # "3:15 p.m. EST" and "3 a.m. New York time" continue; "at 3 p.m. The crew" ends.
        rest = block[punct_at + 1 :]
        return next_word.rstrip(".,;)") in _TIME_ZONES or bool(_PLACE_TIME.match(rest))
    if word in _ABBREVIATIONS:
        return True
    # Single capital initials ("John F. Kennedy") do not end sentences.
    return len(word) == 1 and word.isalpha()


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentences of ``text[start:end]`` with offsets into ``text``, whitespace trimmed."""
    end = len(text) if end is None else end
    sentences: list[Sentence] = []
    for block_start, block_end in _line_spans(text[start:end]):
        block_start += start
        block_end += start
        block = text[block_start:block_end]
        cursor = 0
        for match in _SENTENCE_END.finditer(block):
            next_word = block[match.end() :].split(maxsplit=1)[0] if block[match.end() :].strip() else ""
            if is_false_break(block, match.start(), next_word):
                continue
            _append(sentences, text, block_start + cursor, block_start + match.end())
            cursor = match.end()
        _append(sentences, text, block_start + cursor, block_end)
    return sentences


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped_left = len(piece) - len(piece.lstrip())
    stripped_right = len(piece) - len(piece.rstrip())
    start, end = start + stripped_left, end - stripped_right
    if end > start:
        out.append(Sentence(text=text[start:end], start=start, end=end))
