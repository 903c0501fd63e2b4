"""Question terms with their weights: the words themselves, acronym expansions and synonyms
(from the domain vocabulary), and the proper nouns that narrow a group ("Which NASA astronauts")."""

from __future__ import annotations

import re

from assistant.domain import VOCABULARY
from assistant.text.dates import MONTHS, WEEKDAYS
from assistant.text.terms import STOPWORDS, stem


def narrowing_terms(question: str) -> set[str]:
    """Proper nouns and demonyms that pick some people out of a group ("Which NASA astronauts",
    "from ESA or Roscosmos", "the Japanese astronaut"), stemmed and with their expansions.

    Possessives modify something else ("NASA's Crew-11 mission") and do not narrow.
    """
    words = re.findall(r"[A-Za-z][\w'’.-]*", question)
    picked = []
    for index, word in enumerate(words):
        if index == 0 or re.search(r"['’]s$", word) or re.search(r"\d", word):
            continue
        if word[0].isupper() and word.lower().rstrip(".") not in MONTH_WORDS:
            term = stem(word)
            if term not in VOCABULARY.not_narrowing and term not in STOPWORDS:
                picked.append(term)
    return set(weighted_terms(picked)) if picked else set()


MONTH_WORDS = set(MONTHS) | set(WEEKDAYS)  # capitalised, but they narrow nothing


def term_groups(terms: list[str]) -> list[dict[str, float]]:
    """One group per question term: the term (1.0), its acronym expansions (1.0) and synonyms
    (``SYNONYM_WEIGHT``). A sentence earns each group once, however many of its words it has, so
    "International Space Station" does not count three times for "ISS"."""
    groups = []
    for term in dict.fromkeys(terms):
        group = weighted_terms([term])
        groups.append(group)
    return groups


def expand_terms(terms: list[str]) -> set[str]:
    """The terms plus their synonyms and acronym expansions."""
    return set(weighted_terms(terms))


SYNONYM_WEIGHT = 0.3  # a synonym is weaker evidence than the question's own word


def weighted_terms(terms: list[str]) -> dict[str, float]:
    """term -> weight: the question's terms and acronym expansions 1.0, synonyms ``SYNONYM_WEIGHT``."""
    out: dict[str, float] = {}
    for term in terms:
        for group in VOCABULARY.synonyms:
            if term in group:
                for synonym in group:
                    out.setdefault(synonym, SYNONYM_WEIGHT)
    for term in terms:
        out[term] = 1.0
        for expansion in VOCABULARY.expansions.get(term, []):
            out[expansion] = 1.0
    return out
