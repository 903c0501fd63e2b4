"""Where a streamed draft's first finished sentence ends, so grounding can check it before it is shown."""

from __future__ import annotations

import re

from assistant.text.sentences import is_false_break

_SENTENCE_DONE = re.compile(r"[.!?…](?:\s*\[\d+\])*[\"'”’)]*\s+(?=\S)")


def sentence_break(buffer: str) -> int | None:
    """Where the first finished sentence of streamed text ends, or None while it may go on.

    A period is a break only once the next word has fully arrived: "3:15 p.m." followed by "E"
    could still become "p.m. EST", which does not end the sentence.
    """
    for match in _SENTENCE_DONE.finditer(buffer):
        next_word = re.match(r"\S+(?=\s)", buffer[match.end() :])
        if next_word is None:
            return None
        if not is_false_break(buffer, match.start(), next_word.group()):
            return match.end()
    return None
