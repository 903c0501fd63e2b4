"""What the NLP at ingest (spaCy's recogniser, dateparser) costs beside embedding, at N articles, in one run.

For the first N benchmark-corpus articles it times, side by side in one process:
- the ingest work outside embedding and storage: article metadata, chunking, facts extraction;
- the seconds of that spent in spaCy and dateparser (counted inside it);
- the bare ``encode()`` of a sample of the same chunk texts, scaled to all of them.

    python eval/bench/nlp_ingest_cost.py --articles 1000 --json eval/bench/results/nlp_ingest_1000.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import _time_nlp, iter_corpus, record_to_text

from assistant.config import Settings
from assistant.ingest.articles import build_article
from assistant.ingest.chunking import ChunkSettings, chunk_article
from assistant.news.facts import attach_facts
from assistant.pipeline import Assistant

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "bench" / "news_articles.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--embed-sample", type=float, default=0.1, help="share of chunks encoded to time embedding")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    settings = Settings()
    chunking = ChunkSettings(settings.chunk_size, settings.chunk_overlap)
    spent = {"nlp": 0.0}
    _time_nlp(spent)
    texts: list[str] = []
    started = time.perf_counter()
    for index, record in enumerate(iter_corpus(args.corpus, args.articles)):
        article = build_article(f"bench_{index:05d}.txt", f"/bench/{index:05d}.txt", record_to_text(record))
        chunks = attach_facts(article, chunk_article(article, chunking))
        texts.extend(c.text for c in chunks)
    outside_s = time.perf_counter() - started
    embedder = Assistant(settings).embedder
    embedder.load()
    sample = texts[:: max(1, round(1 / args.embed_sample))]
    encode_started = time.perf_counter()
    embedder.raw_encode(sample)
    embed_s = (time.perf_counter() - encode_started) * len(texts) / len(sample)
    result: dict[str, Any] = {
        "articles": args.articles,
        "chunks": len(texts),
        "outside_embedding_s": outside_s,
        "nlp_s": spent["nlp"],
        "embedding_s_estimated": embed_s,
        "embed_sampled_chunks": len(sample),
        "nlp_share_of_embedding": spent["nlp"] / embed_s,
        "outside_embedding_share_of_embedding": outside_s / embed_s,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
