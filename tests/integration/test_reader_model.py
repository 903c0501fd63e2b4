"""The shipped reader (assistant/models/reader/) on passages from outside the corpus: it points at the
answer where a window holds one, and refuses windows that do not."""

from __future__ import annotations

import pytest

from assistant.answer.reader import OnnxSpanReader, bundled_reader

STORM = (
    "Storm Ciarán brought winds of more than 180 km/h to the coast of Brittany, where 1.2 million homes lost power. "
    "The ferry company Brittany Ferries cancelled all its sailings between Roscoff and Plymouth."
)
MAYOR = (
    "Councillor Ana Ruiz, who chairs the transport committee, sat beside the mayor. "
    "Mayor Tom Bergen announced that the city would buy 40 electric buses by 2027."
)
UNRELATED = "The bakery on Elm Street has sold sourdough loaves since 1987 and opens at six every morning."


@pytest.fixture(scope="module")
def reader() -> OnnxSpanReader:
    found = bundled_reader()
    assert found is not None, "the trained reader must ship inside the package"
    return found


@pytest.mark.parametrize(
    ("question", "window", "answer"),
    [
        ("Which ferry company cancelled its sailings?", STORM, "Brittany Ferries"),
        ("How many homes lost power in Brittany?", STORM, "1.2 million"),
        ("Which mayor announced the purchase of electric buses?", MAYOR, "Tom Bergen"),
        ("How many electric buses will the city buy?", MAYOR, "40"),
    ],
)
def test_it_points_at_the_answer(reader: OnnxSpanReader, question: str, window: str, answer: str) -> None:
    spans = reader.read(question, [UNRELATED, window])
    assert spans, f"no span for {question!r}"
    best = spans[0]
    assert best.window == 1
    assert answer in best.text, (question, best)
    assert best.score > 0


@pytest.mark.parametrize(
    "question",
    ["Which ferry company cancelled its sailings?", "Who won the chess tournament in Oslo?"],
)
def test_it_refuses_a_window_without_the_answer(reader: OnnxSpanReader, question: str) -> None:
    spans = reader.read(question, [UNRELATED])
    assert not spans or spans[0].score < 0, spans


def test_the_bundle_is_small() -> None:
    from assistant.answer.reader import BUNDLED_READER

    megabytes = sum(p.stat().st_size for p in BUNDLED_READER.iterdir()) / 2**20
    assert megabytes <= 30
