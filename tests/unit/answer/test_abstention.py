"""A free-text reply that says the articles do not answer, in the wordings models use, is an abstention;
an answer that merely contains a negation is not."""

from __future__ import annotations

import pytest

from assistant.answer.abstention import looks_like_abstention, sentence_says_not_covered


@pytest.mark.parametrize(
    "reply",
    [
        "The articles do not say.",
        "The passages don't mention who commanded the mission [2].",
        "It is not specified.",
        "Unknown.",
        "N/A",
        "No information is given about the commander.",
        "None of the sentences mention a date.",
        "I don't know.",
        "The text does not include the number of hooks.",
        "The provided sentences do not contain the answer [1][2].",
        "The articles never say when it launched.",
        "That information is not provided in the articles.",
        "It cannot be determined from the sentences.",
        "The article doesn’t state the time.",
        "",
    ],
)
def test_every_wording_of_not_covered_is_an_abstention(reply: str) -> None:
    assert looks_like_abstention(reply)


@pytest.mark.parametrize(
    "reply",
    [
        "Jessica Meir leads Crew-12 [1].",
        "The bridge did not reopen on Friday [1].",
        "No residents were hurt.",
        "The crew did not include any pilots.",
        "It was not delayed.",
        "Four astronauts.",
        "Saturday, August 2, 2025.",
    ],
)
def test_an_answer_with_a_negation_is_not_an_abstention(reply: str) -> None:
    assert not looks_like_abstention(reply)


def test_an_answer_beside_a_not_covered_sentence_is_not_an_abstention() -> None:
    reply = "The bridge reopened on Thursday [1]. The articles do not say who paid for it."
    assert not looks_like_abstention(reply)
    assert sentence_says_not_covered("The articles do not say who paid for it.")
