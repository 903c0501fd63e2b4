"""The incremental keyword index: a delta scored as a full rebuild would score it, removals, restores."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.retrieval.bm25 import Bm25Index, KeywordIndex
from tests.conftest import ARTICLES

GOLD = Path(__file__).resolve().parents[3] / "eval" / "gold" / "gold.jsonl"


def _corpus() -> tuple[list[str], list[str]]:
    """Paragraphs of the shipped articles as chunks."""
    ids, texts = [], []
    for path in sorted(ARTICLES.iterdir()):
        for i, para in enumerate(p for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 5):
            ids.append(f"{path.name}#{i}")
            texts.append(para)
    return ids, texts


def _questions() -> list[str]:
    return [json.loads(line)["question"] for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_delta_hits_score_as_in_a_full_rebuild() -> None:
    ids, texts = _corpus()
    cut = len(ids) - 6
    index = KeywordIndex(Bm25Index.build(ids[:cut], texts[:cut]))
    index.add(ids[cut:], texts[cut:])
    full = Bm25Index.build(ids, texts)
    assert sorted(index.ids) == sorted(ids) and index.delta_size == 6
    compared = 0
    for question in _questions():
        expected = dict(full.search(question, len(ids)))
        for cid, score in index.search(question, 20):
            if cid in ids[cut:]:
                assert score == pytest.approx(expected[cid], rel=1e-4), (question, cid)
                compared += 1
    assert compared > 20


def test_a_new_rare_word_is_found_in_the_delta_first() -> None:
    ids, texts = _corpus()
    index = KeywordIndex(Bm25Index.build(ids, texts))
    index.add(["new#0"], ["Zubrinov's Mars Direct capsule splashed down off Baja on Tuesday."])
    assert index.search("Zubrinov capsule", 3)[0][0] == "new#0"
    index.add(["new#0"], ["a second write of a known id changes nothing"])
    assert index.delta_size == 1


def test_removed_chunks_are_never_returned_until_written_again() -> None:
    ids, texts = _corpus()
    index = KeywordIndex(Bm25Index.build(ids, texts))
    index.add(["new#0"], ["Zubrinov's capsule splashed down."])
    top = index.search("Jessica Meir Crew-12", 1)[0][0]
    index.remove([top, "new#0"])
    assert top not in {c for c, _ in index.search("Jessica Meir Crew-12", 50)}
    assert index.search("Zubrinov", 5) == [] and top not in index.ids and "new#0" not in index.ids
    index.restore([top, "new#0"])
    assert index.search("Jessica Meir Crew-12", 1)[0][0] == top and index.search("Zubrinov", 5)[0][0] == "new#0"


def test_an_index_with_no_base_is_all_delta() -> None:
    index = KeywordIndex(None)
    assert index.search("anything", 5) == []
    index.add(["a", "b"], ["Crew-11 launched in August.", "Starliner slipped to September."])
    assert index.search("Starliner", 5)[0][0] == "b"
