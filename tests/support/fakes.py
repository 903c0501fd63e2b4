"""Deterministic fakes for the seams (in the manner of simonw/llm's ``MockModel`` and ``EmbedDemo``).

``HashEmbedder`` stands in for the sentence-transformers model: a bag of hashed word counts, so
texts that share words are close and nothing loads model weights. ``EchoGenerator`` stands in for
an LLM: it replies with a fixed text, or the first passage's first sentence with its marker.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterator

from assistant.answer.base import Draft
from assistant.query.query import Query
from assistant.types import Passage


class HashEmbedder:
    """Embedder-shaped: ``model_name``, ``dimension``, ``backend``, ``embed_texts``, ``embed_query``."""

    model_name = "hash-embedder"
    backend = "torch"  # what the index records; no model is loaded

    def __init__(self, dimension: int = 256) -> None:
        self.dimension = dimension

    def _vector(self, text: str) -> list[float]:
        vector = [0.0] * self.dimension
        for word in re.findall(r"[a-z0-9]+", text.lower()):
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]

    def embed_texts(self, texts: list[str]) -> list[list[float]]:
        return [self._vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text)


class EchoGenerator:
    """A generator that says ``reply`` (or, if None, quotes the first passage's first sentence)."""

    def __init__(self, name: str = "echo", reply: str | None = None) -> None:
        self.name = name
        self.reply = reply
        self.queries: list[Query] = []  # what it was asked: the pipeline hands down one parsed Query

    def generate(self, query: Query, passages: list[Passage]) -> Draft:
        self.queries.append(query)
        if self.reply is not None:
            return Draft(self.reply)
        first = re.split(r"(?<=[.!?])\s", passages[0].chunk.text.strip(), maxsplit=1)[0]
        return Draft(f"{first} [{passages[0].n}]")

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[str]:
        text = self.generate(query, passages).text
        for word in text.split(" "):
            yield word + " "
