"""Sentence-level rerank of a wider candidate pool, before the generator sees ``top_k`` chunks.

Dense and BM25 rank whole chunks; an answer lives in one sentence. Scoring each chunk by its best
sentence (IDF overlap with lemmas and synonyms, agreeing mission names, a mention of the asked-for
type: the extractive answerer's own scoring) lifts "led by NASA's Jessica Meir" above chunks that
merely repeat "Crew-12 mission".
"""

from __future__ import annotations

from assistant.extractive import score_sentences
from assistant.generation import Passage
from assistant.questions import analyse
from assistant.types import ScoredChunk

RANK_PRIOR = 1.0  # weight of the retriever's own order, so rerank refines rather than replaces it


def rerank(question: str, pool: list[ScoredChunk], top_k: int) -> list[ScoredChunk]:
    if len(pool) <= 1:
        return pool[:top_k]
    passages = [Passage(i + 1, hit.chunk) for i, hit in enumerate(pool)]
    ranking = score_sentences(analyse(question), passages)
    best: dict[int, float] = {}
    for sentence in ranking.sentences:
        n = sentence.passage.n
        best[n] = max(best.get(n, float("-inf")), sentence.score)
    order = sorted(
        range(1, len(pool) + 1),
        key=lambda n: best.get(n, float("-inf")) + RANK_PRIOR / n,
        reverse=True,
    )
    return [pool[n - 1] for n in order[:top_k]]
