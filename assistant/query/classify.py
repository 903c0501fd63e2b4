"""What a question asks for: a person, a roster, a date, a number, or an explanation ("text")."""

from __future__ import annotations

import re
from typing import Literal

from assistant.query.entity_types import answer_head, asks_about_people, person_heads
from assistant.text.people import find_people

QuestionType = Literal["person", "people", "date", "number", "text"]


def classify(question: str) -> QuestionType:
    q = re.sub(r"^\W*(and|so|but|then|also|ok|okay)\b[\s,]*", "", question.strip().lower())
    described = re.match(r"^(?i:who)\s+(?i:is|was)\s+(.+?)\W*$", question.strip())
    if described and [p.text for p in find_people(described.group(1))] == [described.group(1)]:
        return "text"  # "Who is Jessica Meir?" asks for a description, not a name
    if re.search(r"\bhow\s+(many|much|long|far|fast|often|old|heavy)\b|\bwhat\s+(number|percentage)\b", q):
        return "number"
    if re.search(r"^\W*(and\s+)?when\b|\b(what|which)\s+(date|day|time|year|month)\b|\bon\s+what\b", q):
        return "date"
    # Several people: a plural person noun of the PERSON row ("astronauts", "people"), by the tagger.
    plural_people = asks_about_people(question)
    roster = (
        re.search(r"\b(who|which\s+\w+)\s+(were|are)\b", q)
        or re.search(r"\b(list|name)\s+(all|every|each)\b", q)
        or re.search(r"^\W*list\b", q)
        or (
            (plural_people or re.search(r"\b(roster|everyone|who\s+else)\b", q))
            and re.search(r"\b(who|which|list|name)\b", q)
        )
        or re.search(r"\bwho\s+(flew|flies|is|was|are|were)\s+(on|aboard|in)\b", q)
    )
    # "Which NASA astronaut", "what head coach": the head noun (spaCy's tagger) names a person.
    asks_person = "PERSON" in answer_head(question)[1]
    heads = person_heads()  # the PERSON row of domain/entity_heads.toml
    names_person = re.search(rf"^\W*(name|identify)\s+(?:the|a|an)\s+(?:[\w.'’-]+\s+){{0,2}}{heads}\b", q)
    if re.search(r"(^|[,;:]\s*)(who|whom|whose)\b", q) or asks_person or names_person:
        return "people" if roster else "person"
    if roster and plural_people and not answer_head(question)[1]:
        return "people"  # "List the four people who ...", but not "Which team's players ..." (a team)
    return "text"
