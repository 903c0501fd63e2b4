"""The kinds of named entity that answer a question: "Which airline ..." -> ORG, "Where ..." -> places.

The head noun after which / what is looked up in ``domain/entity_heads.toml`` (general English
nouns mapped to spaCy labels). A head that is not listed gives no label: the question is then
answered with a sentence, not with a guessed entity.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from assistant.text.terms import STOPWORDS

_HEADS_FILE = Path(__file__).parents[1] / "domain" / "entity_heads.toml"
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_VERB = re.compile(r"^(?:is|was|are|were|does|do|did|has|have|had|will|would|can|could|should|may|might)$")
# "the name of the hurricane", then "which NFL team", "what company"
_HEAD_PATTERNS = (
    re.compile(r"\bname\s+of\s+(?:the|a|an|this|that)\s+((?:[\w'’.&-]+\s*){1,6})", re.I),
    re.compile(r"\b(?:which|what)\s+((?:[\w'’.&-]+\s*){1,6})", re.I),
)
_WHERE = re.compile(r"(?:^|[,;:.?!]\s*|\b(?:and|or)\s+)(?:from\s+)?where\b", re.I)


@cache
def _tables() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    data = tomllib.loads(_HEADS_FILE.read_text(encoding="utf-8"))
    heads: dict[str, set[str]] = {}
    for label, words in data["heads"].items():
        for word in words:
            heads.setdefault(word, set()).add(label)
    amounts: dict[str, set[str]] = {}
    for label, words in data["amounts"].items():
        for word in words:
            amounts.setdefault(word, set()).add(label)
    return ({w: frozenset(ls) for w, ls in heads.items()}, {w: frozenset(ls) for w, ls in amounts.items()})


def head_labels(word: str) -> frozenset[str]:
    """The labels a head noun names ("airline" -> {"ORG"}); empty when it is not in the table."""
    return _tables()[0].get(word.lower(), frozenset())


def expected_labels(question: str) -> frozenset[str]:
    """spaCy labels of the entity a question asks for; empty when it asks for no entity kind."""
    return answer_head(question)[1]


def answer_head(question: str) -> tuple[str | None, frozenset[str]]:
    """The head noun naming what is asked for ("airline"; None for "where") and its labels."""
    if _WHERE.search(question.strip()):
        return None, PLACE_LABELS
    for match in (m for pattern in _HEAD_PATTERNS for m in pattern.finditer(question)):
        words = re.findall(r"[\w'’.&-]+", match.group(1))
        if words and words[0].lower() == "of":  # "which of the following companies"
            words = [w for w in words[1:] if w.lower() not in {"the", "following", "these", "those"}]
        # The head is the last listed noun before the verb: "film star" -> star, "pharmacy chain" -> chain.
        found: frozenset[str] = frozenset()
        head: str | None = None
        for word in words[:5]:
            if _VERB.match(word.lower()) or (found and word.lower() in STOPWORDS):
                break
            word = re.sub(r"[’']s?$", "", word)  # "airline's pilots"
            labels = head_labels(word) or head_labels(word.rstrip("s"))
            if labels:
                found, head = labels, word
        if found:
            return head, found
    return None, frozenset()


@cache
def _place_kinds() -> dict[str, str]:
    data = tomllib.loads(_HEADS_FILE.read_text(encoding="utf-8"))
    return {word: kind for kind, words in data.get("place_kinds", {}).items() for word in words}


def place_kind_asked(head: str | None) -> str | None:
    """``country`` / ``city`` when the head noun asks for that kind of place ("which nation")."""
    return _place_kinds().get(head.lower()) if head else None


def amount_labels(question: str) -> frozenset[str]:
    """PERCENT / MONEY when a how-much or what-percentage question names that kind of amount."""
    if not re.search(r"\bhow\s+much\b|\bwhat\s+(?:percentage|percent|share|proportion)\b", question, re.I):
        return frozenset()
    if "$" in question:
        return frozenset({"MONEY"})
    table = _tables()[1]
    found: set[str] = set()
    for word in re.findall(r"[a-z]+", question.lower()):
        found |= table.get(word, frozenset())
    return frozenset(found)
