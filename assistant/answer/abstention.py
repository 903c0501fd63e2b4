"""Does a free-text reply say that the articles do not answer? In any wording a model uses.

A structured reply says so with its ``answerable`` field (``answer/structured.py``); this is for the
replies that are free text: a server without structured output, the local model, the naive baseline.
The wordings are data (``assistant/domain/abstention.toml``): whole replies ("Unknown"), phrases ("no
information"), and a negation shortly before a verb of telling ("is not specified", "don't mention").
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from assistant.text.sentences import split_sentences
from assistant.text.terms import stem

_FILE = Path(__file__).parents[1] / "domain" / "abstention.toml"
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|n't")
NOT_SAID = "The articles do not say."  # an LLM's abstention, as its draft reads
NEGATION_REACH = 4  # words between a negation and its verb: "do not clearly say", "none of them states"


@dataclass(frozen=True)
class Wordings:
    whole_replies: frozenset[str]
    phrases: tuple[str, ...]
    negations: frozenset[str]
    telling: frozenset[str]  # stems
    needs_source: frozenset[str]  # stems of verbs that tell only after a source noun
    source_nouns: frozenset[str]


@cache
def wordings() -> Wordings:
    data = tomllib.loads(_FILE.read_text(encoding="utf-8"))
    return Wordings(
        whole_replies=frozenset(" ".join(_words(p)) for p in data["whole_replies"]),
        phrases=tuple(" ".join(_words(p)) for p in data["phrases"]),
        negations=frozenset(data["negations"]),
        telling=frozenset(stem(v) for v in data["telling_verbs"]),
        needs_source=frozenset(stem(v) for v in data["event_verbs"]),
        source_nouns=frozenset(data["source_nouns"]),
    )


def _words(text: str) -> list[str]:
    # "doesn't" -> "does", "n't": the negation is a word of its own.
    lowered = text.lower().replace("’", "'").replace("n't", " n't")
    return _WORD.findall(lowered)


def sentence_says_not_covered(sentence: str) -> bool:
    """One sentence that says the articles do not answer ("It is not specified [2].")."""
    w = wordings()
    bare = re.sub(r"\[\d+\]", " ", sentence)
    words = _words(bare)
    if " ".join(words) in w.whole_replies:
        return True
    flat = " ".join(words)
    if any(re.search(rf"(?<![a-z']){re.escape(p)}(?![a-z'])", flat) for p in w.phrases):
        return True
    for i, word in enumerate(words):
        if word not in w.negations:
            continue
        after = [stem(x) for x in words[i + 1 : i + 1 + NEGATION_REACH]]
        sourced = any(x in w.source_nouns for x in words[:i])
        if any(x in w.telling and (sourced or x not in w.needs_source) for x in after):
            return True
    return False


def looks_like_abstention(text: str) -> bool:
    """Every sentence of ``text`` says the articles do not answer (an empty reply too)."""
    sentences = [s.text for s in split_sentences(text) if re.search(r"[A-Za-z]", s.text)]
    return not sentences or all(sentence_says_not_covered(s) for s in sentences)
