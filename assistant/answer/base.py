"""The generator interface: what every answer writer (extractive, local LLM, OpenAI-compatible) offers.

A generator sees the query and numbered passages and returns a draft whose ``[n]`` markers refer to
those passages. It never builds citations itself: ``grounding`` does that for all of them, the
same way, and decides what of the draft may be shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from assistant.query.query import Query
from assistant.types import Passage


@dataclass(frozen=True)
class Draft:
    text: str
    short_answer: str | None = None
    # The generator says the passages do not answer. An LLM's word is taken (no extractive stand-in);
    # a generator whose abstentions are not to be trusted leaves it False and lets grounding find nothing.
    abstained: bool = False
    prompt_tokens: int | None = 0  # what a model was sent: 0 when none was asked, None when its server did not say
    # When the draft names what its cited sentences contradict: True, the answer is an abstention (a
    # competent model disagreeing with the evidence marks a question to leave); False, the extractive
    # answer stands in (a small model's slip).
    conflict_abstains: bool = False


@dataclass(frozen=True)
class Completion:
    """One chat completion: its text and the token counts its server reported (None when it gave none)."""

    text: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


@runtime_checkable
class ChatModel(Protocol):
    """What the eval's naive baseline (and the judge) needs of an LLM: plain chat messages in, a completion out."""

    def chat(self, messages: list[dict[str, str]], max_tokens: int | None = None) -> Completion: ...


class Generator(Protocol):
    name: str

    def generate(self, query: Query, passages: list[Passage]) -> Draft: ...

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[str]:
        """Text pieces of the draft as they are produced."""
        ...


# Optional attributes a generator may set (read with getattr, so a plugin need not): ``article_order``
# (True: it is shown the sentences grouped by article in reading order, ``answer/cited_prompt.py``) and
# ``streams_drafts`` (False: ``stream`` is not used; its whole draft is checked before anything is shown).
