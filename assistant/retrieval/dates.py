"""Date-aware retrieval for news: what was published by the asking day, and what falls in the
period a question names.

- An article published after ``as_of`` (the day the question is asked; today when not given) is
  not evidence for the question: it did not exist yet.
- A question scoped to a period ("this week", "in March 2023", "last year") prefers articles
  published in it: their hits form one more ranking in the reciprocal-rank fusion, so they rise
  without the others being dropped (an article can report a period after it ended).
- Undated articles are neither favoured nor dropped.
"""

from __future__ import annotations

from datetime import date

from assistant.text.periods import DateRange
from assistant.types import ScoredChunk


def published_by(hits: list[ScoredChunk], day: date) -> list[ScoredChunk]:
    """The hits whose article was published on or before ``day`` (undated ones stay)."""
    return [h for h in hits if h.chunk.published is None or h.chunk.published <= day]


def in_period(hits: list[ScoredChunk], scope: DateRange) -> list[ScoredChunk]:
    """The hits whose article was published inside ``scope``, in their order."""
    return [h for h in hits if h.chunk.published is not None and scope.contains(h.chunk.published)]
