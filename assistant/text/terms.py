"""Words of a text as terms: stop words dropped, the rest stemmed (Snowball English, with the
irregular verb forms news uses); mission designators ("Crew-12") and numbers stay whole."""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = {
    "a",
    "an",
    "the",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "by",
    "with",
    "from",
    "and",
    "or",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "did",
    "does",
    "do",
    "has",
    "have",
    "had",
    "what",
    "which",
    "who",
    "whom",
    "whose",
    "when",
    "where",
    "why",
    "how",
    "many",
    "much",
    "long",
    "that",
    "this",
    "these",
    "those",
    "it",
    "its",
    "they",
    "their",
    "them",
    "he",
    "she",
    "his",
    "her",
    "as",
    "into",
    "about",
    "according",
    "article",
    "articles",
    "report",
    "reports",
    "say",
    "says",
    "said",
    "tell",
    "me",
    "us",
    "list",
    "name",
    "names",
    "give",
    "can",
    "could",
    "would",
    "will",
    "should",
    "any",
    "there",
    "all",
    "also",
    "than",
    "then",
    "so",
    "not",
    "no",
    "yes",
    "if",
    "i",
    "you",
    "we",
    "our",
    "your",
    "time",
    "date",
    "day",
    "year",
}
_IRREGULAR = {
    "led": "lead",
    "flew": "fly",
    "flown": "fly",
    "spoke": "speak",
    "met": "meet",
    "took": "take",
    "went": "go",
    "came": "come",
    "began": "begin",
    "held": "hold",
    "left": "leave",
    "won": "win",
    "built": "build",
    "sent": "send",
    "brought": "bring",
    "chose": "choose",
    "spent": "spend",
    "underwent": "undergo",
    "rode": "ride",
    "lifted": "lift",
    "saw": "see",
    "told": "tell",
}


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    word = word.lower().replace("’", "'")
    word = re.sub(r"'s$", "", word)
    word = _IRREGULAR.get(word, word)
    return str(_stemmer().stemWord(word))


def content_terms(text: str) -> list[str]:
    """Stemmed content words; mission designators ("Crew-12") stay whole."""
    terms = []
    for token in re.findall(r"[A-Za-z]+-\d+|[A-Za-z][A-Za-z'’]*|\d+", text):
        if token.lower() in STOPWORDS:
            continue
        terms.append(token.lower() if re.search(r"\d", token) else stem(token))
    return terms
