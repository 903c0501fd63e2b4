"""Questions on a torch index are embedded by the fp32 ONNX export of the same weights."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import Assistant
from assistant.store.embedding import Embedder, OnnxEmbedding

QUESTIONS = [
    "Who leads Crew-12?",
    "When did the unmanned Dragon capsule dock with the ISS?",
    "How many hooks latched the Dragon capsule into place?",
    "What did the council vote on?",
]


def test_question_vectors_equal_torch_ones(embedder: Embedder, embed_cache: Path) -> None:
    assert embedder.backend == "torch"
    for question in QUESTIONS:
        ours = np.asarray(embedder.embed_query(question))
        torch_vector = np.asarray(embedder.llama_embedding.get_query_embedding(question))
        assert np.abs(ours - torch_vector).max() < 1e-5
    assert isinstance(embedder._query_model, OnnxEmbedding)
    assert (embed_cache / "sentence-transformers__all-MiniLM-L6-v2" / "model.onnx").is_file()


def test_without_a_usable_export_questions_fall_back_to_torch(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the export folder should go", encoding="utf-8")
    fallback = Embedder(cache_dir=blocked)
    with caplog.at_level(logging.WARNING, logger="assistant.embedding"):
        vector = np.asarray(fallback.embed_query(QUESTIONS[0]))
    assert "questions are embedded by torch" in caplog.text
    assert not isinstance(fallback._query_model, OnnxEmbedding)
    assert np.abs(vector - np.asarray(fallback.llama_embedding.get_query_embedding(QUESTIONS[0]))).max() < 1e-6


@pytest.mark.slow
def test_a_process_that_only_answers_never_loads_torch(bot: Assistant, embed_cache: Path) -> None:
    """A fresh process on the torch-built index of the shipped articles answers with citations and
    has not imported torch (the export was made by this test session)."""
    bot.embedder.embed_query("make sure the export exists")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from assistant import Assistant, Settings\n"
        f"bot = Assistant(Settings(data_dir=Path({str(bot.settings.data_dir)!r}), "
        f"embed_cache_dir=Path({str(embed_cache)!r})))\n"
        "answer = bot.ask('How many hooks latched the Dragon capsule into place?')\n"
        "print('torch loaded:', 'torch' in sys.modules)\n"
        "print(answer.text)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=True)
    assert "torch loaded: False" in done.stdout, done.stdout + done.stderr
    assert "dozen" in done.stdout
