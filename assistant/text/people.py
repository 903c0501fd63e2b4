"""Person names: spaCy's PERSON entities, as full names (first and last name at least)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text.nlp import Entity, entities, is_domain_name

_INITIAL_TITLE = re.compile(r"^(?:[A-Z][a-z]{0,3}\.)\s+")  # "Dr. ", "Mr. ", "Gen. ": abbreviations, not names


@dataclass(frozen=True)
class NameMention:
    text: str
    start: int
    end: int

    @property
    def surname(self) -> str:
        return self.text.split()[-1]


def find_people(text: str, min_words: int = 2) -> list[NameMention]:
    """Person names (``min_words`` to 4 words) that spaCy's recogniser labels PERSON.

    The recogniser's entities come without a possessive ending ("Meir's" -> "Meir"). By default a
    one-word PERSON ("Meir") is left out, because rosters and the facts table need names that tell two people apart.
    """
    out: list[NameMention] = []
    for entity in _listed_as_people(text, entities(text)):
        if entity.label != "PERSON" or "\n" in entity.text:
            continue
        start, end = entity.start, entity.end
        title = _INITIAL_TITLE.match(entity.text)
        if title:
            start += title.end()
        name = text[start:end].strip()
        if min_words <= len(name.split()) <= 4 and name[:1].isupper():
            out.append(NameMention(name, start, start + len(name)))
    return out


_LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+)$")
_NAME_SHAPE = re.compile(r"^[A-Z][a-z’'-]+(?:\s+[A-Z][a-z’'-]+){1,2}$")


def _listed_as_people(text: str, found: tuple[Entity, ...]) -> list[Entity]:
    """The small model sometimes calls one name of a list of people an organisation ("Jack Hathaway,
    Sophie Adenot from ESA, and ..."): an item of a list whose neighbour is a PERSON, shaped like a
    name and not a name of the domain vocabulary, is taken as a person too."""
    out = list(found)
    for i, entity in enumerate(found):
        if (
            entity.label not in {"ORG", "GPE", "NORP"}
            or not _NAME_SHAPE.match(entity.text)
            or is_domain_name(entity.text)
        ):
            continue
        before = found[i - 1] if i > 0 else None
        after = found[i + 1] if i + 1 < len(found) else None
        beside = (before and before.label == "PERSON" and _LIST_GAP.match(text[before.end : entity.start])) or (
            after and after.label == "PERSON" and _LIST_GAP.match(text[entity.end : after.start])
        )
        if beside:
            out[i] = Entity(entity.text, "PERSON", entity.start, entity.end)
    return out


def full_name(name: str, article: str) -> str:
    """A one-word name as the article first wrote it in full ("Carlson" -> "Tucker Carlson"): news
    names a person in full once, then by surname. Unchanged when the article has no such name, or
    more than one person of that surname."""
    if len(name.split()) != 1:
        return name
    full = {p.text for p in find_people(article) if same_person(p.text, name)}
    return full.pop() if len(full) == 1 else name


def same_person(a: str, b: str) -> bool:
    """Full names match on surname (case-insensitive); "Meir" matches "Jessica Meir"."""
    sa, sb = a.split(), b.split()
    if not sa or not sb:
        return False
    return sa[-1].lower() == sb[-1].lower() and (len(sa) == 1 or len(sb) == 1 or sa[0].lower() == sb[0].lower())


# ---------------------------------------------------------------------------------------------
# Mission designators and key terms
