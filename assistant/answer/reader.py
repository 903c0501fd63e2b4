"""The span reader: given a question and short windows of text, it points at the answer span in each
window, or says the window holds none.

The shipped model is MiniLM-L6 trained here (``eval/reader/train.py``; ``assistant/models/reader/MODEL_CARD.md``),
run with onnxruntime. A span's score is the log-odds of that span against the window's "no answer"
option ([CLS]): positive means the reader would rather answer than refuse, and because every window was
trained against refusing, scores compare across windows and articles.

``SpanReader`` is the seam: a better model, or a test fake, only has to implement ``read``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

log = logging.getLogger(__name__)

BUNDLED_READER = Path(__file__).resolve().parents[1] / "models" / "reader"
MAX_QUESTION_WORDS = 40


@dataclass(frozen=True)
class ReadSpan:
    window: int  # index into the windows that were read
    start: int  # character offsets in that window's text
    end: int
    text: str
    score: float  # log-odds against "this window does not answer"


class SpanReader(Protocol):
    def read(self, question: str, windows: Sequence[str]) -> list[ReadSpan]:
        """The best span of each window that has one, best first."""
        ...


def best_spans(
    start: np.ndarray, end: np.ndarray, context: np.ndarray, max_tokens: int, top: int = 1
) -> list[tuple[int, int, float]]:
    """The ``top`` best non-overlapping (first token, last token, score) over context tokens, each scored
    against the window's no-answer option: (start[i] + end[j]) - (start[0] + end[0])."""
    null = float(start[0] + end[0])
    positions = np.flatnonzero(context)
    if positions.size == 0:
        return []
    s, e = start[positions], end[positions]
    scores = s[:, None] + e[None, :]
    n = positions.size
    offsets = np.arange(n)[None, :] - np.arange(n)[:, None]
    scores = np.where((offsets >= 0) & (offsets < max_tokens), scores, -np.inf)
    found: list[tuple[int, int, float]] = []
    for _ in range(top):
        flat = int(np.argmax(scores))
        i, j = divmod(flat, n)
        if not np.isfinite(scores[i, j]):
            break
        found.append((int(positions[i]), int(positions[j]), float(scores[i, j]) - null))
        scores[: j + 1, i:] = -np.inf  # every span that overlaps this one
    return found


class OnnxSpanReader:
    """The trained reader, run by onnxruntime on the CPU; loads on first use."""

    def __init__(self, model_dir: Path = BUNDLED_READER, threads: int = 2, batch_size: int = 16) -> None:
        self.model_dir = model_dir
        self.threads = threads
        self.batch_size = batch_size
        settings = json.loads((model_dir / "reader.json").read_text(encoding="utf-8"))
        self.max_len: int = settings["max_len"]
        self.max_answer_tokens: int = settings["max_answer_tokens"]
        self._session: Any = None
        self._tokenizer: Any = None

    def _load(self) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(self.model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(self.model_dir / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=self.max_len, strategy="only_second")
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer

    def read(self, question: str, windows: Sequence[str], per_window: int = 1) -> list[ReadSpan]:
        if not windows:
            return []
        if self._session is None:
            self._load()
        question = " ".join(question.split()[:MAX_QUESTION_WORDS])
        spans: list[ReadSpan] = []
        for first in range(0, len(windows), self.batch_size):
            chunk = list(windows[first : first + self.batch_size])
            encodings = self._tokenizer.encode_batch([(question, w) for w in chunk])
            feeds = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            start_logits, end_logits = self._session.run(["start_logits", "end_logits"], feeds)
            for b, encoding in enumerate(encodings):
                context = np.array([s == 1 for s in encoding.sequence_ids])
                for i, j, score in best_spans(
                    start_logits[b], end_logits[b], context, self.max_answer_tokens, per_window
                ):
                    lo, hi = encoding.offsets[i][0], encoding.offsets[j][1]
                    spans.append(ReadSpan(first + b, lo, hi, chunk[b][lo:hi], score))
        return sorted(spans, key=lambda s: -s.score)


@cache
def bundled_reader() -> OnnxSpanReader | None:
    """The shipped reader, or None when the package was built without it (the rules answer alone)."""
    if not (BUNDLED_READER / "model.onnx").exists():
        log.warning("No trained reader at %s; answering with the rules alone", BUNDLED_READER)
        return None
    return OnnxSpanReader()
