"""BM25 over chunk ids with bm25s: the sparse score matrix and its vocabulary, no text.

Tokenisation is the one llama-index's ``BM25Retriever`` used before: bm25s's default token pattern,
English stop words removed from the passages, the Snowball English stemmer on passages and questions.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
from dataclasses import dataclass
from typing import Any

BM25_TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # bm25s's (and llama-index's BM25Retriever's) default


def release_free_heap() -> None:
    """Return freed heap pages to the OS (glibc's ``malloc_trim``; elsewhere nothing happens).

    A BM25 rebuild reads every chunk's text and tokenises it; once those are freed, glibc keeps the
    pages, and the process's resident size would stay at the build's peak.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@dataclass(frozen=True)
class Bm25Index:
    """bm25s over chunk ids: the sparse score matrix and its vocabulary, and the id of each row.

    No text is kept; ``search`` returns chunk ids with scores.
    """

    index: Any  # bm25s.BM25
    ids: list[str]
    stemmer: Any  # Stemmer.Stemmer

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> Bm25Index:
        import bm25s
        import Stemmer

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG
        stemmer = Stemmer.Stemmer("english")
        tokens = bm25s.tokenize(
            texts, stopwords="en", stemmer=stemmer, token_pattern=BM25_TOKEN_PATTERN, show_progress=False
        )
        index = bm25s.BM25()
        index.index(tokens, show_progress=False)
        return cls(index, ids, stemmer)

    def search(self, question: str, k: int) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, score) pairs, best first, score above zero."""
        import bm25s

        k = min(k, len(self.ids))
        if k <= 0:
            return []
        # Stop words are not removed from the question (they are absent from the index anyway).
        tokens = bm25s.tokenize(question, stemmer=self.stemmer, token_pattern=BM25_TOKEN_PATTERN, show_progress=False)
        rows, scores = self.index.retrieve(tokens, k=k, show_progress=False)
        return [(self.ids[int(r)], float(s)) for r, s in zip(rows[0], scores[0], strict=True) if float(s) > 0.0]
