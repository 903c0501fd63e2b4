"""Words of a text as terms: stop words dropped (NLTK's list), the rest stemmed (Snowball English,
after lemminflect has put inflected verbs in their base form); mission designators ("Crew-12") and
numbers stay whole."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from llama_index.core.utils import globals_helper

from assistant.text.without_torch import import_without_torch

_FRAMING_FILE = Path(__file__).parents[1] / "domain" / "framing_words.toml"


def _stopwords() -> frozenset[str]:
    """NLTK's English stop words, as llama-index ships them, with the words that frame a question
    about articles. Contraction stubs ("won" of "won't") are left out: terms keep a contraction
    whole, so the stub would only ever drop the verb ("who won")."""
    listed = set(globals_helper.stopwords)
    stubs = {w for w in listed if f"{w}'t" in listed}
    framing = tomllib.loads(_FRAMING_FILE.read_text(encoding="utf-8"))["words"]
    return frozenset((listed - stubs) | set(framing))


STOPWORDS = _stopwords()


@lru_cache(maxsize=1)
def _lemminflect() -> Any:
    """lemminflect, imported on first use without torch (it imports spaCy to register an extension)."""
    return import_without_torch("lemminflect")


@lru_cache(maxsize=65536)
def _verb_base(word: str) -> str:
    """The base form of an inflected verb ("flew" -> "fly", "led" -> "lead") from lemminflect's
    lexicon, so the stemmer sees one form; a word that is also a base form ("crew") stays."""
    lemmas = _lemminflect().getAllLemmas(word).get("VERB", ())
    return lemmas[0] if lemmas and word not in lemmas else word


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    word = word.lower().replace("’", "'")
    word = re.sub(r"'s$", "", word)
    word = _verb_base(word)
    return str(_stemmer().stemWord(word))


def content_terms(text: str) -> list[str]:
    """Stemmed content words; mission designators ("Crew-12") stay whole."""
    terms = []
    for token in re.findall(r"[A-Za-z]+-\d+|[A-Za-z][A-Za-z'’]*|\d+", text):
        if token.lower() in STOPWORDS:
            continue
        terms.append(token.lower() if re.search(r"\d", token) else stem(token))
    return terms
