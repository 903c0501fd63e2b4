"""Sentence-level rerank of a wider candidate pool, before the generator sees ``top_k`` chunks.

Dense and BM25 rank whole chunks; an answer lives in one sentence. Scoring each chunk by its best
sentence (IDF overlap with lemmas and synonyms, agreeing mission names, a mention of the asked-for
type: the extractive answerer's own scoring) lifts "led by NASA's Jessica Meir" above chunks that
merely repeat "Crew-12 mission".
"""

from __future__ import annotations

from assistant.query.query import Query
from assistant.retrieval.evidence import kind_bonus, score_sentences
from assistant.retrieval.hybrid import cap_per_file
from assistant.types import Passage, ScoredChunk

RANK_PRIOR = 1.0  # weight of the retriever's own order, so rerank refines rather than replaces it


def pool_size(top_k: int) -> int:
    """Candidates handed to the rerank: wide, because the answering sentence may sit in a chunk
    that fusion ranks low (the rerank costs about a millisecond per chunk)."""
    return max(top_k * 4, 20)


def rerank(query: Query, pool: list[ScoredChunk], top_k: int, per_file: int | None = None) -> list[ScoredChunk]:
    """The ``top_k`` chunks of ``pool`` by their best sentence, at most ``per_file`` from one article."""
    if len(pool) <= 1:
        return pool[:top_k]
    passages = [Passage(i + 1, hit.chunk) for i, hit in enumerate(pool)]
    info = query
    ranking = score_sentences(info, passages)
    best: dict[int, float] = {}
    for sentence in ranking.sentences:
        n = sentence.passage.n
        # The asked-for kind of date ("which day" -> a weekday) counts here as it does when answering.
        best[n] = max(best.get(n, float("-inf")), sentence.score + kind_bonus(info, sentence))
    order = sorted(
        range(1, len(pool) + 1),
        key=lambda n: best.get(n, float("-inf")) + RANK_PRIOR / n,
        reverse=True,
    )
    reordered = [pool[n - 1] for n in order]
    return cap_per_file(reordered, top_k, per_file) if per_file else reordered[:top_k]
