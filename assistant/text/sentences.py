"""Sentence spans with character offsets, so a citation can quote the exact sentence it relies on.

News text mixes prose, captions, headings and bullet lines. Lines are first grouped into blocks:
a blank line, a heading or bullet line, or a line that ends like a sentence closes a block; a single
newline inside a sentence ("led\\nby") does not. Inside a block, NLTK's Punkt model (its English
parameters ship with llama-index) decides where sentences end, abbreviations included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import llama_index.core
import nltk
from nltk.tokenize.punkt import PunktSentenceTokenizer, PunktTokenizer

_TITLE_ABBREVIATIONS = {"gov", "sen", "rep", "gen", "lt", "col", "sgt", "capt", "cmdr", "adm", "prof", "supt", "insp"}
_NLTK_DIR = Path(llama_index.core.__file__).parent / "_static" / "nltk_cache"
_NUMERO = re.compile(r"\bNo\.$")
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


@cache
def _punkt() -> PunktSentenceTokenizer:
    # llama-index ships the English parameters; NLTK reads data only from its search path.
    if str(_NLTK_DIR) not in nltk.data.path:
        nltk.data.path.append(str(_NLTK_DIR))
    tokenizer = PunktTokenizer("english")
    # Punkt learned its abbreviations from old newswire and misses some titles written before
    # names ("Gov. Ana Ruiz"); these are general English abbreviations, not words of an article.
    tokenizer._params.abbrev_types.update(_TITLE_ABBREVIATIONS)
    return tokenizer


def is_false_break(block: str, punct_at: int, next_word: str) -> bool:
    """True when Punkt does not end a sentence at the punctuation at ``punct_at`` before ``next_word``."""
    sample = block[: punct_at + 1] + " " + next_word
    return all(not punct_at < end <= punct_at + 4 for _, end in _punkt().span_tokenize(sample))


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[Sentence]:
    """Sentences of ``text[start:end]`` with offsets into ``text``, whitespace trimmed."""
    end = len(text) if end is None else end
    sentences: list[Sentence] = []
    for block_start, block_end in _line_spans(text[start:end]):
        block_start += start
        block_end += start
        block = text[block_start:block_end]
        for start_in, end_in in _numero_joined(block, _punkt().span_tokenize(block)):
            _append(sentences, text, block_start + start_in, block_start + end_in)
    return sentences


def _numero_joined(block: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Punkt's spans, with a break after "No." before a number undone: "world No. 1 player" is the
    numero sign, not a sentence end (Punkt cannot list "no" as an abbreviation: "The answer was no.
    Then ..." ends one)."""
    joined: list[tuple[int, int]] = []
    for start, end in spans:
        if joined and _NUMERO.search(block[joined[-1][0] : joined[-1][1]]) and block[start:][:1].isdigit():
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _append(out: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped_left = len(piece) - len(piece.lstrip())
    stripped_right = len(piece) - len(piece.rstrip())
    start, end = start + stripped_left, end - stripped_right
    if end > start:
        out.append(Sentence(text=text[start:end], start=start, end=end))
