"""The relevance floor's second gate: every anchor of the question must occur in the corpus (names,
years) or in the retrieved passages (mission designators), else the articles do not cover it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.domain import VOCABULARY
from assistant.text.missions import find_missions
from assistant.types import Chunk

_TOKEN = re.compile(r"[a-z0-9]+(?:[-'’][a-z0-9]+)*")


def vocabulary_of(texts: list[str]) -> set[str]:
    """Lower-case tokens of the texts, with hyphenated tokens also split into their parts."""
    vocabulary: set[str] = set()
    for text in texts:
        # "U.S." is also "us"; acronyms with dots are kept dotless.
        vocabulary.update(a.replace(".", "") for a in re.findall(r"\b(?:[a-z]\.){2,}", text.lower()))
        for token in _TOKEN.findall(text.lower()):
            token = re.sub(r"['’]s$", "", token)
            vocabulary.add(token)
            vocabulary.update(re.split(r"[-'’]", token))
    return vocabulary


def missing_anchors(anchors: Sequence[str], chunks: list[Chunk], vocabulary: set[str]) -> list[str]:
    """Anchors absent from the corpus (names, years) or from the retrieved passages (missions)."""
    retrieved_missions = {m for c in chunks for m in find_missions(c.text)}
    missing = []
    for anchor in anchors:
        if VOCABULARY.mission_pattern.fullmatch(anchor):  # "crew-12", not "covid-19"
            if anchor not in retrieved_missions:
                missing.append(anchor)
            continue
        token = anchor.replace("’", "'")
        variants = {token, token.replace(".", ""), re.sub(r"(es|s)$", "", token)}
        if not variants & vocabulary:
            missing.append(anchor)
    return missing
