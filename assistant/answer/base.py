"""The generator interface: what every answer writer (extractive, local LLM, OpenAI-compatible) offers.

A generator sees the query and numbered passages and returns a draft whose ``[n]`` markers refer to
those passages. It never builds citations itself: ``grounding`` does that for all of them, the
same way, and decides what of the draft may be shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from assistant.query.query import Query
from assistant.types import Passage


@dataclass(frozen=True)
class Draft:
    text: str
    short_answer: str | None = None
    abstained: bool = False


class Generator(Protocol):
    name: str

    def generate(self, query: Query, passages: list[Passage]) -> Draft: ...

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[str]:
        """Text pieces of the draft as they are produced."""
        ...
