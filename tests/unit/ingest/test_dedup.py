"""Syndicated copies: a re-wrapped wire story matches, another article on the same event does not;
and on pairs built from the benchmark corpus, at the threshold in use."""

from __future__ import annotations

import importlib.util
import random

import pytest

from assistant.ingest.dedup import THRESHOLD, CopyFinder, body_of, decode, encode, signature
from assistant.ingest.readers import read_article
from tests.conftest import ARTICLES, ROOT

CORPUS = ROOT.parent / "shared" / "bench" / "news_articles.jsonl.gz"


def _rewrapped(text: str) -> str:
    """Another site's run of the story: new headline, byline, share buttons, footer, no dateline."""
    return (
        "CREW-12 ARRIVES: WHAT WE KNOW\n\nBy Staff and wire reports | Orbit Daily\nShare on Facebook · Share on X\n\n"
        + text
        + "\n\nCopyright 2026 Orbit Daily. All rights reserved. Sign up for our daily newsletter."
    )


def test_a_rewrapped_copy_matches_and_another_article_on_the_event_does_not() -> None:
    crew12 = read_article(ARTICLES / "002_15bd8c08e1a82e16.txt")  # Crew-12 docks (one site)
    other = read_article(ARTICLES / "003_94819cb2705bb79d.txt")  # Crew-12 docks (another article)
    finder = CopyFinder()
    first = signature(body_of(crew12))
    assert first is not None
    finder.add(crew12.file, decode(encode(first)))  # stored and read back, as from Chroma
    copy = signature(_rewrapped(body_of(crew12)))
    assert copy is not None
    found = finder.match(copy)
    assert found is not None and found[0] == crew12.file and found[1] >= THRESHOLD
    different = signature(body_of(other))
    assert different is not None and finder.match(different) is None
    assert finder.match(copy, exclude=crew12.file) is None
    assert signature("Too short to compare.") is None


def _pairs_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("syndication_pairs", ROOT / "eval" / "bench" / "syndication_pairs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not CORPUS.exists(), reason="the benchmark corpus is in ../shared/bench/")
def test_pairs_from_the_benchmark_corpus() -> None:
    """A small run of eval/bench/syndication_pairs.py (README: the full one is 10,000 articles)."""
    pairs = _pairs_module()
    records = [r for r in pairs.iter_corpus(CORPUS, 1500) if len(r["text"].split()) >= 150]
    originals = random.Random(15).sample(records, 60)
    duplicates = [pairs.jaccard(r["text"], pairs.rewrap(r, i)) for i, r in enumerate(originals)]
    events = [(a, b) for a, b, _ in pairs.event_pairs(records, 60) if pairs.same_story(a["text"], b["text"]) < 0.5]
    others = [pairs.jaccard(a["text"], b["text"]) for a, b in events]
    merged = sum(d is not None and d >= THRESHOLD for d in duplicates) / len(duplicates)
    wrongly = sum(d is not None and d >= THRESHOLD for d in others) / len(others)
    assert len(events) >= 30
    assert merged >= 0.95, merged
    assert wrongly <= 0.05, wrongly
