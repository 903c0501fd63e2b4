"""Parts of speech of a question, from spaCy's ``en_core_web_sm`` tagger (the same package as the
entity recogniser; here tok2vec, tagger and attribute ruler run, the parser and NER do not).

Used to find the head noun of "which / what <noun phrase> ...": the last noun before the verb.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.text.nlp import MODEL, load_model

_UNNEEDED = ["parser", "lemmatizer", "ner", "senter"]


@dataclass(frozen=True)
class Token:
    text: str
    pos: str  # universal part of speech: NOUN, PROPN, ADJ, VERB, AUX, PART ("'s"), ...
    start: int
    tag: str = ""  # Penn Treebank tag: NNS for a plural noun ("astronauts", "people")


@lru_cache(maxsize=1)
def _tagger() -> Any:
    return load_model(MODEL, _UNNEEDED)


@lru_cache(maxsize=2048)
def tag(text: str) -> tuple[Token, ...]:
    """The tokens of ``text`` with their parts of speech (cached: a question is tagged once)."""
    return tuple(Token(t.text, t.pos_, t.idx, t.tag_) for t in _tagger()(text))
