"""Syndicated copies: the same wire story on several sites, found at ingest with MinHash/LSH.

An article's body (headline left out: sites rewrite it) is read as word 5-shingles; their MinHash
(128 permutations, datasketch) goes into an LSH index of every indexed article. A new article whose
estimated Jaccard similarity with an indexed one reaches ``THRESHOLD`` is a copy: it is not indexed
again (so a question is answered once from the group) and is recorded on the first one, whose
citations then say "also reported by" with the copy's URL and date. Why 5-word shingles: two
articles about one event share names and phrases, but rarely five words in a row beyond quotes;
re-wrapped copies share almost all of them. ``THRESHOLD`` was chosen on pairs built from the
benchmark corpus (``eval/bench/syndication_pairs.py``; README, "Syndicated copies").

Each article's signature is stored on its first chunk (``minhash``), so Chroma stays the one
record: any process, on a Chroma server too, rebuilds the LSH index from the store.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import numpy as np

from assistant.types import Article

NUM_PERM = 128
SHINGLE_WORDS = 5
THRESHOLD = 0.5  # estimated Jaccard of 5-shingle sets; see the module docstring
MIN_SHINGLES = 30  # shorter texts give too noisy an estimate to merge on
_WORD = re.compile(r"\w+")


def shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(max(0, len(words) - SHINGLE_WORDS + 1))}


def body_of(article: Article) -> str:
    """The article's text without front matter and without a leading headline line."""
    body = article.text[article.body_start :].lstrip()
    if article.title and body.startswith(article.title):
        body = body[len(article.title) :]
    return body


def signature(text: str) -> Any | None:
    """The MinHash of the text's shingles (None when it has too few to compare)."""
    from datasketch import MinHash

    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=NUM_PERM)
    minhash.update_batch(found)
    return minhash


def encode(minhash: Any) -> str:
    """Base64 of the 128 hash values as uint32 (684 characters, a Chroma metadata string)."""
    return base64.b64encode(np.asarray(minhash.hashvalues, dtype=np.uint32).tobytes()).decode("ascii")


def decode(text: str) -> Any:
    from datasketch import MinHash

    values = np.frombuffer(base64.b64decode(text), dtype=np.uint32).astype(np.uint64)
    return MinHash(num_perm=len(values), hashvalues=values, scheme="affine32")


class CopyFinder:
    """LSH over signatures by article key; ``match`` says which indexed article one is a copy of."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._signatures: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def add(self, key: str, minhash: Any) -> None:
        if key in self._signatures:
            self.remove(key)
        self._lsh.insert(key, minhash)
        self._signatures[key] = minhash

    def remove(self, key: str) -> None:
        if key in self._signatures:
            self._lsh.remove(key)
            del self._signatures[key]

    def match(self, minhash: Any, exclude: str | None = None) -> tuple[str, float] | None:
        """The most similar indexed article at or above the threshold, with its estimated Jaccard."""
        scored = sorted(
            (-float(minhash.jaccard(self._signatures[key])), key) for key in self._lsh.query(minhash) if key != exclude
        )
        if scored and -scored[0][0] >= self.threshold:
            return scored[0][1], -scored[0][0]
        return None
