"""Anchors: the words a passage must contain for a question to be about it (names, missions, years)."""

from __future__ import annotations

import re

from assistant.domain import VOCABULARY
from assistant.text.missions import find_missions
from assistant.text.terms import STOPWORDS


def question_anchors(question: str) -> list[str]:
    """Terms a passage must contain for the question to be about it (names, missions, years)."""
    anchors = list(dict.fromkeys(find_missions(question)))
    masked = VOCABULARY.mission_pattern.sub(" ", question)
    words = re.findall(r"[A-Za-z][\w'’.-]*[A-Za-z0-9]|[A-Za-z]", masked)
    for index, word in enumerate(words):
        bare = re.sub(r"[’']s$", "", word)
        if bare.lower() in STOPWORDS:  # "Which", "The" after a statement, "According"
            continue
        if (index > 0 and bare[:1].isupper()) or (bare.isupper() and len(bare) > 1):
            anchors.append(bare.lower())
    anchors.extend(re.findall(r"\b(?:19|20)\d\d\b", question))
    return list(dict.fromkeys(anchors))
