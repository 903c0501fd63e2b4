"""Person names: capitalised runs that hold no organisation, place, title or heading word."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.text.name_words import NOT_NAME_WORDS, TITLE_WORDS

_NAME_TOKEN = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*"
_NAME_RUN = re.compile(rf"\b{_NAME_TOKEN}(?:\s+(?:[A-Z]\.\s+)?{_NAME_TOKEN})*")


@dataclass(frozen=True)
class NameMention:
    text: str
    start: int
    end: int

    @property
    def surname(self) -> str:
        return self.text.split()[-1]


def find_people(text: str) -> list[NameMention]:
    """Person names: runs of 2-3 capitalised words with no organisation/place/title word.

    Leading title words are stripped ("Transportation Secretary Sean Duffy" -> "Sean Duffy").
    Possessive endings end a run ("NASA's Jessica Meir" -> "Jessica Meir").
    """
    out: list[NameMention] = []
    for m in _NAME_RUN.finditer(text):
        tokens = [(t.group(0), m.start() + t.start()) for t in re.finditer(r"\S+", m.group(0))]
        # strip leading titles / function words
        while tokens and _bare(tokens[0][0]) in NOT_NAME_WORDS | TITLE_WORDS:
            tokens.pop(0)
        if len(tokens) < 2 or len(tokens) > 3:
            continue
        if any(_bare(tok) in NOT_NAME_WORDS for tok, _ in tokens):
            continue
        last_token, last_start = tokens[-1]
        if re.search(r"[’']s$", last_token):
            continue  # "Hathaway's" would be fine, but "Agency's Kimiya" runs are split anyway
        start = tokens[0][1]
        end = last_start + len(last_token)
        out.append(NameMention(text[start:end], start, end))
    return out


def _bare(token: str) -> str:
    return re.sub(r"[’']s$", "", token).strip(".,").lower()


def same_person(a: str, b: str) -> bool:
    """Full names match on surname (case-insensitive); "Meir" matches "Jessica Meir"."""
    sa, sb = a.split(), b.split()
    if not sa or not sb:
        return False
    return sa[-1].lower() == sb[-1].lower() and (len(sa) == 1 or len(sb) == 1 or sa[0].lower() == sb[0].lower())


# ---------------------------------------------------------------------------------------------
# Mission designators and key terms
