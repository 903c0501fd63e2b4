"""The kinds of named entity that answer a question: "Which airline ..." -> ORG, "Where ..." -> places.

The head noun after which / what is the last noun of the phrase there, by spaCy's tagger ("which
invasive host tree" -> tree; "which airline's pilots" -> airline, the possessor). It is looked up in
``domain/entity_heads.toml`` (general English nouns mapped to spaCy labels). A head that is not
listed gives no label: the question is then answered with a sentence, not with a guessed entity.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

from assistant.text.pos import Token, tag

_HEADS_FILE = Path(__file__).parents[1] / "domain" / "entity_heads.toml"
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
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


@cache
def person_heads() -> str:
    """A regular expression of the head nouns that ask for a person ("which astronaut", "what
    singer"), singular or with a plural "s": the table's PERSON row."""
    words = sorted((w for w, labels in _tables()[0].items() if "PERSON" in labels), key=len, reverse=True)
    return rf"(?:{'|'.join(map(re.escape, words))})s?"


def asks_about_people(question: str) -> bool:
    """Does the question ask for several people: a plural noun of the table's PERSON row ("astronauts",
    "crew members", "people"), plural by spaCy's tagger, as what "which / what" asks for or as the
    first noun of a "list / name / identify" request. "Which virus are officials watching?" asks
    for a virus, however many officials it names."""
    tokens = tag(question)
    head, labels = answer_head(question)
    if head is not None:
        return "PERSON" in labels and any(t.text == head and t.tag == "NNS" for t in tokens)
    if not re.match(r"^\W*(?:list|name|identify)\b", question, re.I):
        return False
    first = next((t for t in tokens[1:] if t.pos == "NOUN"), None)
    return first is not None and first.tag == "NNS" and "PERSON" in _noun_labels(first.text)


def _noun_labels(word: str) -> frozenset[str]:
    """The labels of a head noun, singular or with a plural "s" ("astronauts" -> PERSON)."""
    return head_labels(word) or head_labels(word.rstrip("s"))


def expected_labels(question: str) -> frozenset[str]:
    """spaCy labels of the entity a question asks for; empty when it asks for no entity kind."""
    return answer_head(question)[1]


def answer_head(question: str) -> tuple[str | None, frozenset[str]]:
    """The head noun naming what is asked for ("airline"; None for "where") and its labels."""
    if _WHERE.search(question.strip()):
        return None, PLACE_LABELS
    for match in (m for pattern in _HEAD_PATTERNS for m in pattern.finditer(question)):
        head = _head_noun([t for t in tag(question) if t.start >= match.start(1)])
        if head is None:
            continue
        labels = _noun_labels(head)
        if labels:
            return head, labels
    return None, frozenset()  # no head noun the table lists: a sentence answers it


_PHRASE = {"NOUN", "PROPN", "ADJ", "NUM", "ADV", "X"}


def _head_noun(tokens: list[Token]) -> str | None:
    """The last noun of the phrase the tokens open with, by spaCy's tagger: "invasive host tree"
    -> tree, "social media platform" -> platform. A possessive ends it: "airline's pilots" asks
    for the airline. "of the following companies" -> companies."""
    words = [t.text.lower() for t in tokens[:3]]
    if words[:3] == ["of", "the", "following"] or words[:3] == ["of", "these", "following"]:
        tokens = tokens[3:]
    elif words[:1] == ["of"]:
        tokens = tokens[2:] if len(tokens) > 1 and tokens[1].pos == "DET" else tokens[1:]
    head: str | None = None
    proper: str | None = None
    joined = False  # the token after a hyphen belongs to the word before it ("high-ranking")
    for index, token in enumerate(tokens[:8]):
        if token.pos == "PART" and token.text in {"'s", "’s", "'", "’"}:
            break
        if token.text == "-":
            joined = True
            continue
        # Right after "which", a noun-verb homograph before a noun is a noun ("which head coach").
        homograph = index == 0 and token.pos == "VERB" and len(tokens) > 1 and tokens[1].pos == "NOUN"
        if token.pos not in _PHRASE and not joined and not homograph:
            break
        joined = False
        if token.pos == "NOUN":
            head = token.text
        elif token.pos == "PROPN":
            proper = token.text
    return head or proper  # a capitalised title is tagged a proper noun ("NASA Administrator")


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
