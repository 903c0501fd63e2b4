"""Other articles that give a different value for a quantity the answer states.

"How long did Crew-12's orbital chase last?" is answered "34-hour" from one article; another says
the crew arrived "after a journey of several hours". Rather than silently pick one, the answer
shows both, each with its citation and its article's date. Only quantities with a unit (hours,
days, months...) are compared: a bare number in another article is rarely about the same thing.
Conflicting post holders (two NASA administrators) come from the facts table instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.query.query import Query
from assistant.text.injection import looks_like_instruction
from assistant.text.missions import find_missions
from assistant.text.numbers import number_values
from assistant.text.sentences import split_sentences
from assistant.types import Passage

_UNITS = r"(?:minute|hour|day|week|month|year)"
_QUANTITY = (
    r"(?:several|a\s+few|a\s+couple\s+of|many|a\s+number\s+of|\d+(?:\.\d+)?|one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|a\s+dozen|a)"
)
_WITH_UNIT = re.compile(rf"\b(?P<q>{_QUANTITY})[\s-](?P<unit>{_UNITS})s?\b", re.I)


@dataclass(frozen=True)
class OtherValue:
    value: str  # as the other article writes it: "several hours"
    passage: Passage


def unit_of(answer: str) -> str | None:
    match = _WITH_UNIT.search(answer)
    return match.group("unit").lower() if match else None


def other_values(query: Query, answer: str, answer_file: str, passages: list[Passage]) -> list[OtherValue]:
    """At most one differing value per other article among the retrieved passages."""
    unit = unit_of(answer)
    if unit is None:
        return []
    asked_missions = set(query.missions)
    values = number_values(answer)
    found: dict[str, OtherValue] = {}
    for passage in passages:
        chunk = passage.chunk
        if chunk.file == answer_file or chunk.file in found:
            continue
        if asked_missions and not asked_missions & set(find_missions(chunk.text)):
            continue
        for sentence in split_sentences(chunk.text):
            if looks_like_instruction(sentence.text):
                continue
            named = set(find_missions(sentence.text))
            if named and not named & asked_missions:
                continue  # a sentence about another mission
            match = next((m for m in _WITH_UNIT.finditer(sentence.text) if m.group("unit").lower() == unit), None)
            if match is None or match.group("q").lower() == "a":
                continue
            if number_values(match.group(0)) & values:
                continue  # the same value, written another way
            found[chunk.file] = OtherValue(" ".join(match.group(0).split()), passage)
            break
    return list(found.values())
