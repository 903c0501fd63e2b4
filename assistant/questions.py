"""What a question asks for (a person, a roster, a date, a number, or an explanation) and its terms.

Shared by the extractive answerer (to pick a span of the right type) and the grounding step (an
LLM answer to a "who" question that names nobody is not an answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from assistant.entities import MONTHS, WEEKDAYS, find_people

QuestionType = Literal["person", "people", "date", "number", "text"]

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
# Terms that occur all over a space-news corpus: matching them says little about a sentence.
GENERIC_TERMS = {
    "mission",
    "crew",
    "spacex",
    "nasa",
    "iss",
    "station",
    "space",
    "intern",
    "dragon",
    "spacecraft",
    "capsul",
    "astronaut",
    "flight",
    "international",
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
# Small domain synonym sets: the question's word and the article's word differ but mean the same.
_SYNONYMS = [
    {"lead", "command", "head", "chief", "helm"},
    {"launch", "lift", "liftoff", "blast", "takeoff"},
    {"dock", "arriv", "attach", "berth"},
    {"member", "astronaut", "cosmonaut", "crew", "crewmat"},
    {"stay", "durat", "spend", "remain"},
    {"quot", "say", "said", "comment", "state"},
    {"orbit", "circl", "loop"},
]
# Nouns that name who is asked about ("which astronauts"), not which ones.
PERSON_HEAD_TERMS = {"astronaut", "cosmonaut", "crew", "member", "crewmat", "peopl", "person", "name"}
# Acronyms and demonyms -> the words an article may use instead.
_EXPANSIONS = {
    "esa": ["european", "space", "agenc"],
    "european": ["esa", "europ"],
    "jaxa": ["japan", "aerospac", "explor", "agenc"],
    "japanes": ["japan", "jaxa"],
    "russian": ["russia", "roscosmo", "cosmonaut"],
    "roscosmo": ["russia", "russian"],
    "american": ["nasa", "us"],
    "iss": ["intern", "space", "station"],
    "ksc": ["kennedi", "space", "center"],
}
_PERSON_HEADS = (
    r"(?:astronauts?|cosmonauts?|person|people|man|woman|commander|pilot|leader|administrator|"
    r"engineer|manager|head|chief|ceo|founder|official|member|members|crewmates?|specialist|"
    r"photographer|reporter|journalist|author|writer|spokes(?:man|woman|person)|president|secretary)"
)


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


_NOT_NARROWING = {"iss", "intern", "space", "station", "spacex", "dragon", "falcon", "crew", "mission"}


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
            if term not in _NOT_NARROWING and term not in STOPWORDS:
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
        for group in _SYNONYMS:
            if term in group:
                for synonym in group:
                    out.setdefault(synonym, SYNONYM_WEIGHT)
    for term in terms:
        out[term] = 1.0
        for expansion in _EXPANSIONS.get(term, []):
            out[expansion] = 1.0
    return out


@dataclass(frozen=True)
class QuestionInfo:
    text: str
    qtype: QuestionType
    terms: list[str]  # stemmed content terms of the question
    focus: set[str]  # the terms that say what is asked, minus generic ones, with synonyms
    wants_time: bool = False
    wants_weekday: bool = False
    asks_name: bool = False
    asks_specific: bool = False  # "what specific / exactly which ..." wants the detail itself
    asks_duration: bool = False  # "how long": a number with a unit of time or length
    counted: set[str] = field(default_factory=set)  # "how many astronauts" -> {"astronaut"}
    people: tuple[str, ...] = ()  # names the question itself mentions


def classify(question: str) -> QuestionType:
    q = re.sub(r"^\W*(and|so|but|then|also|ok|okay)\b[\s,]*", "", question.strip().lower())
    described = re.match(r"^(?i:who)\s+(?i:is|was)\s+(.+?)\W*$", question.strip())
    if described and [p.text for p in find_people(described.group(1))] == [described.group(1)]:
        return "text"  # "Who is Jessica Meir?" asks for a description, not a name
    if re.search(r"\bhow\s+(many|much|long|far|fast|often|old|heavy)\b|\bwhat\s+(number|percentage)\b", q):
        return "number"
    if re.search(r"^\W*(and\s+)?when\b|\b(what|which)\s+(date|day|time|year|month)\b|\bon\s+what\b", q):
        return "date"
    person_word = r"\b(crew\s*members|members|astronauts|cosmonauts|crewmates|roster|everyone|who\s+else)\b"
    roster = (
        re.search(r"\b(who|which\s+\w+)\s+(were|are)\b", q)
        or re.search(r"\b(list|name)\s+(all|every|each)\b", q)
        or re.search(r"^\W*list\b", q)
        or (re.search(person_word, q) and re.search(r"\b(who|which|list|name)\b", q))
        or re.search(r"\bwho\s+(flew|flies|is|was|are|were)\s+(on|aboard|in)\b", q)
    )
    modifier = r"(?:(?!(?:does|do|did|is|was|are|were|has|have|had)\b)[\w.'’-]+\s+)"
    asks_person = re.search(rf"\b(which|what)\s+{modifier}{{0,4}}{_PERSON_HEADS}\b", q)
    names_person = re.search(rf"^\W*(name|identify)\s+(?:the|a|an)\s+(?:[\w.'’-]+\s+){{0,2}}{_PERSON_HEADS}\b", q)
    if re.search(r"(^|[,;:]\s*)(who|whom|whose)\b", q) or asks_person or names_person:
        return "people" if roster else "person"
    if roster and re.search(r"\b(astronauts|cosmonauts|members)\b", q):
        return "people"
    return "text"


def analyse(question: str) -> QuestionInfo:
    terms = content_terms(question)
    qtype = classify(question)
    focus_raw = [t for t in terms if t not in GENERIC_TERMS and not re.search(r"\d", t)]
    return QuestionInfo(
        people=tuple(p.text for p in find_people(question)),
        text=question,
        qtype=qtype,
        terms=terms,
        focus=expand_terms(focus_raw) if focus_raw else set(),
        wants_time=bool(re.search(r"\bwhat\s+time\b|\bat\s+what\s+time\b", question.lower())),
        wants_weekday=bool(re.search(r"\bday\s+of\s+the\s+week\b|\bweekday\b", question.lower())),
        counted=_counted_terms(question),
        asks_duration=bool(re.search(r"\bhow\s+long\b", question.lower())),
        asks_specific=bool(re.search(r"\b(?:specific|exact|exactly|precisely|particular)\b", question.lower())),
        asks_name=bool(
            re.search(
                r"\b(what|which)\s+(is|was)\s+the\s+name\b|\bwhat\s+(is|was)\s+\w+(\s+\w+)?\s+called\b|"
                r"\bname\s+of\s+the\b",
                question.lower(),
            )
        ),
    )


def _counted_terms(question: str) -> set[str]:
    """The noun a how-many question counts: "How many astronauts ..." -> {"astronaut"}."""
    match = re.search(r"\bhow\s+(?:many|much)\s+([a-z][\w-]*)", question.lower())
    if not match:
        return set()
    words = [w for w in re.split(r"[\s-]+", match.group(1)) if w not in STOPWORDS]
    return {stem(w) for w in words}
