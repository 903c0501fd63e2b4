"""When two answers are one answer written two ways; the rules' margin and the reader's grouping use it."""

from __future__ import annotations

import re

from text_to_num import alpha2digit

from assistant.text.terms import STOPWORDS


def answer_key(text: str) -> tuple[str, ...]:
    """Words of an answer in a comparable form: number words as digits ("Falcon Nine" is "Falcon 9")."""
    return tuple(w for w in re.findall(r"\w+", alpha2digit(text, "en").lower()) if w not in STOPWORDS)


def same_answer(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One answer written two ways: the same words, or one's words all in the other ("Falcon 9" in
    "SpaceX Falcon 9"; "Carlson" in "Tucker Carlson")."""
    return bool(a) and bool(b) and (set(a) <= set(b) or set(b) <= set(a))
