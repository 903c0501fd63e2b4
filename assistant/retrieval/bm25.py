"""BM25 over chunk ids with bm25s: the sparse score matrix and its vocabulary, no text.

Tokenisation is the one llama-index's ``BM25Retriever`` used before: bm25s's default token pattern,
English stop words removed from the passages, the Snowball English stemmer on passages and questions.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
from dataclasses import dataclass
from pathlib import Path
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
    lengths: tuple[int, ...] = ()  # tokens per chunk, for the delta's average length (KeywordIndex)

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
        return cls(index, ids, stemmer, tuple(len(row) for row in tokens.ids))

    def save(self, directory: Path) -> None:
        """Write the index into ``directory``: bm25s's own files (score matrix, vocabulary, parameters)
        and, beside them, the chunk id of each row and the token count of each chunk, which bm25s does
        not keep but ``KeywordIndex`` needs (ids to answer with, lengths for the delta's average)."""
        import numpy as np

        directory.mkdir(parents=True, exist_ok=True)
        self.index.save(str(directory), show_progress=False)
        (directory / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")
        np.save(directory / "lengths.npy", np.asarray(self.lengths, dtype=np.int64), allow_pickle=False)

    @classmethod
    def load(cls, directory: Path) -> Bm25Index:
        """The index ``save`` wrote, read into memory (not memory-mapped: the snapshot directory may be
        replaced by another process's newer one, and a torn read must fail here, not at question time).

        Raises ``OSError`` or ``ValueError`` when the files are missing, truncated or do not fit
        together (rows, ids and lengths of different sizes, a vocabulary column or row out of range),
        so a damaged snapshot can never index out of bounds during a search.
        """
        import bm25s
        import numpy as np
        import Stemmer

        logging.getLogger("bm25s").setLevel(logging.WARNING)
        index = bm25s.BM25.load(str(directory), mmap=False, show_progress=False)
        ids = json.loads((directory / "ids.json").read_text(encoding="utf-8"))
        lengths = np.load(directory / "lengths.npy", allow_pickle=False)
        if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
            raise ValueError("ids.json is not a list of chunk ids")
        scores = index.scores
        data, indices, indptr = scores["data"], scores["indices"], scores["indptr"]
        columns = len(indptr) - 1
        if scores["num_docs"] != len(ids) or lengths.shape != (len(ids),):
            raise ValueError(f"{scores['num_docs']} rows, {len(ids)} ids and {lengths.shape} lengths")
        if columns < 0 or len(data) != len(indices) or int(indptr[-1]) != len(data) or np.any(np.diff(indptr) < 0):
            raise ValueError("the score matrix's arrays do not fit together")
        if len(indices) and (int(indices.min()) < 0 or int(indices.max()) >= len(ids)):
            raise ValueError("the score matrix names a row out of range")
        # bm25s's empty token (the one a passage of stop words only is left with) has no column.
        if any(not 0 <= int(col) < columns for tok, col in index.vocab_dict.items() if tok != ""):
            raise ValueError("the vocabulary names a column out of range")
        return cls(index, ids, Stemmer.Stemmer("english"), tuple(int(n) for n in lengths))

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


def _tokens(texts: list[str], stemmer: Any) -> list[list[str]]:
    """Token strings exactly as ``Bm25Index.build`` indexes them (stop words out, stemmed)."""
    import bm25s

    out = bm25s.tokenize(
        texts, stopwords="en", stemmer=stemmer, token_pattern=BM25_TOKEN_PATTERN, return_ids=False, show_progress=False
    )
    return [list(t) for t in out]


def _query_tokens(question: str, stemmer: Any) -> list[str]:
    """The question's tokens as ``Bm25Index.search`` reads them."""
    import bm25s

    out = bm25s.tokenize(
        question, stemmer=stemmer, token_pattern=BM25_TOKEN_PATTERN, return_ids=False, show_progress=False
    )
    return list(out[0]) if out else []


class KeywordIndex:
    """BM25 over a big base index and a small delta of chunks added since, kept in step by id.

    Why a delta rather than a rebuild per change: rebuilding bm25s over 162k chunks reads every
    chunk back from Chroma and re-tokenises it (about 100 s on 2 cores), so a new article would
    not be answerable for minutes. The delta holds only the new chunks' postings (token -> (row, tf))
    and scores them with bm25s's own formula (Lucene: ``idf = ln(1 + (N - df + 0.5) / (df + 0.5))``,
    ``tf / (tf + k1 (1 - b + b dl / avgdl))``) with the document frequencies and lengths of base and
    delta together, so a delta hit's score is the one a full rebuild would give it and base and delta
    hits rank on one scale (the base's own scores keep the statistics of its build, which a small
    delta barely moves). Deleted chunks are masked out of the base (bm25s's ``weight_mask``) and
    dropped from the delta. ``compacted`` folds everything into a new base; the retriever does
    that in the background, and this object answers meanwhile.
    """

    K1, B = 1.5, 0.75  # bm25s.BM25's defaults, which Bm25Index.build uses

    def __init__(self, base: Bm25Index | None, stemmer: Any = None) -> None:
        import numpy as np
        import Stemmer

        self.base = base
        self.stemmer = base.stemmer if base else (stemmer or Stemmer.Stemmer("english"))
        self._rows = {cid: i for i, cid in enumerate(base.ids)} if base else {}
        self._mask = np.ones(len(base.ids), dtype=np.float32) if base else np.zeros(0, dtype=np.float32)
        self._base_df: dict[str, int] = {}
        self._base_len_total = float(sum(base.lengths)) if base else 0.0
        if base is not None:
            indptr = base.index.scores["indptr"]
            vocab = base.index.vocab_dict
            self._base_df = {tok: int(indptr[col + 1] - indptr[col]) for tok, col in vocab.items() if tok != ""}
        self.delta_ids: list[str] = []
        self._delta_rows: dict[str, int] = {}
        self._delta_len: list[int] = []
        self._delta_alive: list[bool] = []
        self._postings: dict[str, list[tuple[int, int]]] = {}
        self._delta_df: dict[str, int] = {}
        self.removed: set[str] = set()

    # -- size ---------------------------------------------------------------------------------
    @property
    def index(self) -> Any:
        """The base's bm25s index (its score matrix is most of the memory)."""
        return self.base.index if self.base else None

    @property
    def ids(self) -> list[str]:
        """Every live chunk id: the base's, then the delta's, without the removed ones."""
        base = [c for c in self.base.ids if c not in self.removed] if self.base else []
        return base + [c for c, alive in zip(self.delta_ids, self._delta_alive, strict=True) if alive]

    def __contains__(self, chunk_id: str) -> bool:
        return (chunk_id in self._rows or chunk_id in self._delta_rows) and chunk_id not in self.removed

    def known(self, chunk_id: str) -> bool:
        """Indexed, live or removed (a removed id written again is restored, not re-read)."""
        return chunk_id in self._rows or chunk_id in self._delta_rows

    @property
    def base_size(self) -> int:
        return len(self.base.ids) if self.base else 0

    @property
    def delta_size(self) -> int:
        return len(self.delta_ids)

    def delta_bytes(self) -> int:
        """Rough memory of the delta's postings (Python objects, 8-byte pointers)."""
        return sum(64 + 72 * len(p) for p in self._postings.values()) + 120 * len(self.delta_ids)

    # -- changes ------------------------------------------------------------------------------
    def add(self, ids: list[str], texts: list[str]) -> None:
        """Index new chunks into the delta (ids already known are left as they are)."""
        fresh = [(cid, text) for cid, text in zip(ids, texts, strict=True) if not self.known(cid)]
        if not fresh:
            return
        for (cid, _), tokens in zip(fresh, _tokens([t for _, t in fresh], self.stemmer), strict=True):
            row = len(self.delta_ids)
            self.delta_ids.append(cid)
            self._delta_rows[cid] = row
            self._delta_alive.append(True)
            self._delta_len.append(len(tokens))
            counts: dict[str, int] = {}
            for token in tokens:
                counts[token] = counts.get(token, 0) + 1
            for token, tf in counts.items():
                self._postings.setdefault(token, []).append((row, tf))
                self._delta_df[token] = self._delta_df.get(token, 0) + 1

    def remove(self, ids: list[str]) -> None:
        """Chunks that are gone from the store: never returned again (until written again)."""
        for cid in ids:
            if cid in self._rows:
                self._mask[self._rows[cid]] = 0.0
                self.removed.add(cid)
            elif cid in self._delta_rows:
                self._delta_alive[self._delta_rows[cid]] = False
                self.removed.add(cid)

    def restore(self, ids: list[str]) -> None:
        """Removed chunks written again with the same id (the same text at the same place)."""
        for cid in ids:
            if cid not in self.removed:
                continue
            self.removed.discard(cid)
            if cid in self._rows:
                self._mask[self._rows[cid]] = 1.0
            else:
                self._delta_alive[self._delta_rows[cid]] = True

    # -- search -------------------------------------------------------------------------------
    def search(self, question: str, k: int) -> list[tuple[str, float]]:
        """Up to ``k`` (chunk id, score) pairs over base and delta, best first, score above zero."""
        if k <= 0:
            return []
        hits: list[tuple[str, float]] = []
        if self.base is not None and self.base.ids:
            hits.extend(self._search_base(question, k))
        if self.delta_ids:
            hits.extend(self._search_delta(question, k))
        hits.sort(key=lambda h: h[1], reverse=True)
        return hits[:k]

    def _search_base(self, question: str, k: int) -> list[tuple[str, float]]:
        assert self.base is not None
        if not self.removed:
            return self.base.search(question, k)
        import bm25s

        k = min(k, len(self.base.ids))
        tokens = bm25s.tokenize(question, stemmer=self.stemmer, token_pattern=BM25_TOKEN_PATTERN, show_progress=False)
        rows, scores = self.base.index.retrieve(tokens, k=k, show_progress=False, weight_mask=self._mask)
        return [(self.base.ids[int(r)], float(s)) for r, s in zip(rows[0], scores[0], strict=True) if float(s) > 0.0]

    def _search_delta(self, question: str, k: int) -> list[tuple[str, float]]:
        import math

        n_docs = self.base_size + self.delta_size
        avgdl = (self._base_len_total + sum(self._delta_len)) / max(1, n_docs)
        scores: dict[int, float] = {}
        for token in _query_tokens(question, self.stemmer):  # repeats count twice, as in bm25s
            postings = self._postings.get(token)
            if not postings:
                continue
            df = self._base_df.get(token, 0) + self._delta_df.get(token, 0)
            idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
            for row, tf in postings:
                if self._delta_alive[row]:
                    norm = self.K1 * ((1 - self.B) + self.B * self._delta_len[row] / avgdl)
                    scores[row] = scores.get(row, 0.0) + idf * tf / (tf + norm)
        best = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:k]
        return [(self.delta_ids[row], score) for row, score in best if score > 0.0]
