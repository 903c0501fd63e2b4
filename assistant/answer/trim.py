"""Cutting unsupported names, numbers and dates out of a sentence, where the rest still reads.

Only three shapes are cut, because only they leave a sentence that still says what it said:
- an item of a list of the same kind: "Meir, Hathaway and Smith" -> "Meir and Hathaway";
- a prepositional phrase that ends a clause: "docked on February 14 at 3:15 p.m. EST." -> "docked on
  February 14.";
- a parenthesis with no other claim: "The repairs (48 million dollars) took two years."
A claim in any other place (the subject, a number before its noun) is not cut: the sentence is
then dropped whole, as grounding always did.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answer.claims import Mention

_LIST_GAP = re.compile(r"^(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&)\s+)$", re.I)
_PREPOSITION = re.compile(
    r"(?:\s*,)?\s+(?:on|in|at|by|from|since|until|till|around|about|of|for|with|near|before|after|during)\s+$", re.I
)
# What may follow a cut prepositional phrase: the end, punctuation, or a word that opens another phrase.
_CLAUSE_END = re.compile(
    r"^(?:\s*$|\s*[,.;:!?)\]]|\s+(?:and|but|or|when|while|after|before|as|with|to|in|on|at|by|from|for|of)\b)", re.I
)


def _cut(text: str, mention: Mention, others: list[Mention]) -> tuple[int, int] | None:
    """The span to remove with ``mention``, or None when it cannot be cut cleanly."""
    before, after = text[: mention.start], text[mention.end :]
    same = [m for m in others if m.kind == mention.kind and m is not mention]
    previous = next((m for m in reversed(same) if m.end <= mention.start), None)
    if previous is not None and _LIST_GAP.match(text[previous.end : mention.start]):
        return previous.end, mention.end
    following = next((m for m in same if m.start >= mention.end), None)
    if following is not None and _LIST_GAP.match(text[mention.end : following.start]):
        return mention.start, following.start
    opened, closed = before.rfind("("), after.find(")")
    if opened >= 0 and ")" not in before[opened:] and closed >= 0 and "(" not in after[:closed]:
        inside = [m for m in others if opened < m.start and m.end <= mention.end + closed and m is not mention]
        if not inside:  # the parenthesis says nothing else
            return len(before[:opened].rstrip()), mention.end + closed + 1
    preposition = _PREPOSITION.search(before)
    if preposition and _CLAUSE_END.match(after):
        return preposition.start(), mention.end
    return None


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*(?=[,.;:!?]|$)", "", text)
    return " ".join(text.split())


def cut_mentions(text: str, drop: list[Mention], mentions: list[Mention]) -> str | None:
    """``text`` without the mentions in ``drop``; None when one of them cannot be cut cleanly.

    ``mentions`` are all the claims of ``text`` (list neighbours are found among them). Cuts go from
    the end; the spans of the mentions after a cut are shifted.
    """
    live = sorted(mentions, key=lambda m: m.start)
    ending = re.search(r"[.!?…]$", text)
    for mention in sorted(drop, key=lambda m: m.start, reverse=True):
        current = next((m for m in live if m == mention), None)
        if current is None:
            continue  # went with an earlier cut
        span = _cut(text, current, live)
        if span is None:
            return None
        start, end = span
        text = text[:start] + text[end:]
        live = [_shifted(m, start, end) for m in live if not (start <= m.start < end)]
    text = _tidy(text)
    # A cut that took the full stop with it ("at 3:15 p.m.") gives it back.
    return text if not ending or re.search(r"[.!?…]$", text) else text + ending.group()


def _shifted(mention: Mention, start: int, end: int) -> Mention:
    """The mention's span once ``text[start:end]`` is gone (mentions before the cut are unchanged)."""
    if mention.start < end:
        return mention
    width = end - start
    return replace(mention, start=mention.start - width, end=mention.end - width)
