"""Syndicated-copy detection measured on pairs built from the benchmark corpus.

    python eval/bench/syndication_pairs.py --articles 10000 --pairs 300 --json eval/bench/results/syndication_pairs.json

- **Duplicates** (should merge): one corpus article re-wrapped as another site would run the wire
  story: a different headline, the site's byline, share buttons and footer around it, the dateline
  dropped, and for every third copy the last paragraphs cut (sites trim wire copy to length).
- **Non-duplicates** (should not): two different corpus articles about one event: published within
  three days of each other, their headline and lead the most alike by TF-IDF cosine among such
  pairs (>= 0.3), and different URLs.

Each pair is scored with ``assistant.ingest.dedup`` (MinHash of word 5-shingles, 128 permutations),
and the estimated Jaccard is compared with thresholds; the report gives, per threshold, the share of
duplicates merged and of non-duplicates wrongly merged, and lists the non-duplicate pairs over the
chosen threshold (so a reader can see whether the corpus itself holds syndicated copies).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import DEFAULT_CORPUS, iter_corpus

from assistant.ingest.dedup import THRESHOLD, signature

SITES = [
    ("Orbit Daily", "By Staff and wire reports"),
    ("The Morning Ledger", "From the Associated Press"),
    ("Metro Wire", "By Newsroom Staff"),
]


def rewrap(record: dict[str, str], index: int) -> str:
    """The article as another site runs it (see the module docstring)."""
    site, byline = SITES[index % len(SITES)]
    paragraphs = [p for p in record["text"].split("\n\n") if p.strip()]
    if paragraphs and len(paragraphs[0]) < 80:
        paragraphs = paragraphs[1:]  # a byline or dateline line of the original
    if index % 3 == 0 and len(paragraphs) > 6:
        paragraphs = paragraphs[: int(len(paragraphs) * 0.7)]
    first = re.sub(r"^[A-Z][A-Z .,'-]{2,40}\s*(\([A-Za-z ]+\))?\s*[-—–]+\s*", "", paragraphs[0]) if paragraphs else ""
    body = "\n\n".join([first, *paragraphs[1:]])
    head = f"{record['title'].upper()}: WHAT WE KNOW\n\n{byline} | {site}\nShare on Facebook · Share on X · Email\n\n"
    foot = (
        f"\n\nCopyright 2026 {site}. All rights reserved. This material may not be published, broadcast, "
        "rewritten or redistributed. Sign up for our daily newsletter to get the top stories in your inbox."
    )
    return head + body + foot


def _day(record: dict[str, str]) -> date | None:
    try:
        return date.fromisoformat((record.get("date") or "").replace("/", "-")[:10])
    except ValueError:
        return None


def event_pairs(records: list[dict[str, str]], count: int) -> list[tuple[dict[str, str], dict[str, str], float]]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    leads = [f"{r['title']} {' '.join(r['text'].split()[:80])}" for r in records]
    matrix = TfidfVectorizer(stop_words="english", min_df=2, sublinear_tf=True).fit_transform(leads)
    days = [_day(r) for r in records]
    similarity = (matrix @ matrix.T).tocoo()
    candidates = []
    for i, j, value in zip(similarity.row, similarity.col, similarity.data, strict=True):
        near = days[i] and days[j] and abs((days[i] - days[j]).days) <= 3  # type: ignore[operator]
        if i < j and value >= 0.3 and near and records[i]["url"] != records[j]["url"]:
            candidates.append((float(value), int(i), int(j)))
    candidates.sort(reverse=True)
    used: set[int] = set()
    pairs = []
    for value, i, j in candidates:
        if i in used or j in used:
            continue
        used.update((i, j))
        pairs.append((records[i], records[j], value))
        if len(pairs) == count:
            break
    return pairs


def same_story(a: str, b: str) -> float:
    """Share of the shorter text's sentences (over 40 characters) found verbatim in the other: an
    independent reading of "the same story", to tell the corpus's own copies from other articles."""

    def sentences(text: str) -> set[str]:
        return {" ".join(s.split()) for s in re.split(r"(?<=[.!?])\s+", text) if len(s) > 40}

    sa, sb = sentences(a), sentences(b)
    shorter, other = (sa, sb) if len(sa) <= len(sb) else (sb, sa)
    return len(shorter & other) / len(shorter) if shorter else 0.0


def jaccard(a: str, b: str) -> float | None:
    sa, sb = signature(a), signature(b)
    return None if sa is None or sb is None else float(sa.jaccard(sb))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=10000, help="corpus articles to draw pairs from")
    parser.add_argument("--pairs", type=int, default=300, help="pairs of each kind")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    records = [r for r in iter_corpus(args.corpus, args.articles) if len(r["text"].split()) >= 150]
    rng = random.Random(15)
    originals = rng.sample(records, min(args.pairs, len(records)))
    duplicates = [jaccard(r["text"], rewrap(r, i)) for i, r in enumerate(originals)]
    candidates = event_pairs(records, args.pairs)
    # Same-event pairs that are in fact one story under two URLs (half their sentences identical)
    # are the corpus's own syndicated copies: counted apart, with how many of them merge.
    corpus_copies = [(a, b, c) for a, b, c in candidates if same_story(a["text"], b["text"]) >= 0.5]
    events = [(a, b, c) for a, b, c in candidates if same_story(a["text"], b["text"]) < 0.5]
    others = [jaccard(a["text"], b["text"]) for a, b, _ in events]
    copies = [j for j in (jaccard(a["text"], b["text"]) for a, b, _ in corpus_copies) if j is not None]
    dup = [d for d in duplicates if d is not None]
    non = [d for d in others if d is not None]
    table = []
    for threshold in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        table.append(
            {
                "threshold": threshold,
                "duplicates_merged": sum(d >= threshold for d in dup) / len(dup),
                "non_duplicates_merged": sum(d >= threshold for d in non) / len(non) if non else 0.0,
            }
        )
    over = [
        {"a": a["url"], "b": b["url"], "title_a": a["title"], "title_b": b["title"], "jaccard": j, "lead_cosine": c}
        for (a, b, c), j in zip(events, others, strict=True)
        if j is not None and j >= THRESHOLD
    ]
    result: dict[str, Any] = {
        "corpus_articles": args.articles,
        "duplicate_pairs": len(dup),
        "non_duplicate_pairs": len(non),
        "threshold_in_use": THRESHOLD,
        "corpus_copies_found": len(copies),
        "corpus_copies_merged": sum(j >= THRESHOLD for j in copies) / len(copies) if copies else None,
        "duplicates_jaccard": {"min": min(dup), "median": sorted(dup)[len(dup) // 2]},
        "non_duplicates_jaccard": {"max": max(non), "median": sorted(non)[len(non) // 2]} if non else {},
        "by_threshold": table,
        "non_duplicates_over_threshold": over,
    }
    print(json.dumps({k: v for k, v in result.items() if k != "non_duplicates_over_threshold"}, indent=2))
    print(f"{len(over)} non-duplicate pairs at or over {THRESHOLD}:")
    for item in over[:10]:
        print(f"  {item['jaccard']:.2f}  {item['title_a'][:60]!r} / {item['title_b'][:60]!r}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
