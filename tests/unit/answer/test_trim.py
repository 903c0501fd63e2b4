"""Cutting unsupported claims out of a sentence: only where what is left still reads."""

from __future__ import annotations

import pytest

from assistant.answer.claims import claim_mentions
from assistant.answer.trim import cut_mentions


def _cut(sentence: str, *texts: str) -> str | None:
    mentions = claim_mentions(sentence)
    drop = [m for m in mentions if m.text in texts]
    assert len(drop) == len(texts), [m.text for m in mentions]
    return cut_mentions(sentence, drop, mentions)


@pytest.mark.parametrize(
    ("sentence", "drop", "left"),
    [
        (
            "Ana Ortiz, Tom Becker and Maria Lopez cut the ribbon.",
            ["Tom Becker"],
            "Ana Ortiz and Maria Lopez cut the ribbon.",
        ),
        (
            "Ana Ortiz, Tom Becker and Maria Lopez cut the ribbon.",
            ["Maria Lopez"],
            "Ana Ortiz, Tom Becker cut the ribbon.",
        ),
        (
            "Ana Ortiz, Tom Becker and Maria Lopez cut the ribbon.",
            ["Ana Ortiz"],
            "Tom Becker and Maria Lopez cut the ribbon.",
        ),
        ("The bridge reopened on March 3, 2026 at 3:15 p.m.", ["3:15 p.m."], "The bridge reopened on March 3, 2026."),
        (
            "The bridge reopened on March 3, 2026, at 3:15 p.m. and drew a crowd.",
            ["3:15 p.m."],
            "The bridge reopened on March 3, 2026 and drew a crowd.",
        ),
        ("The repairs (48 million dollars) took two years.", ["48 million"], "The repairs took two years."),
    ],
)
def test_a_list_item_a_closing_phrase_or_a_parenthesis_is_cut(sentence: str, drop: list[str], left: str) -> None:
    assert _cut(sentence, *drop) == left


@pytest.mark.parametrize(
    ("sentence", "drop"),
    [
        ("Tom Becker cut the ribbon.", ["Tom Becker"]),  # the subject
        ("It carried 300 residents across.", ["300"]),  # a number before its noun
        ("The bridge reopened on Thursday morning with 300 residents.", ["300"]),  # "with 300" before its noun
    ],
)
def test_a_claim_anywhere_else_is_not_cut(sentence: str, drop: list[str]) -> None:
    assert _cut(sentence, *drop) is None
