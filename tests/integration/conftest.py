"""Integration fixtures: the real embedding model, a real embedded Chroma in a temp dir, the shipped articles."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.store.embedding import Embedder
from tests.conftest import ARTICLES


@pytest.fixture(scope="session")
def embed_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One ONNX export per test session, also for assistants the tests build from ``Settings``."""
    path = tmp_path_factory.mktemp("embed_cache")
    before = os.environ.get("ASSISTANT_EMBED_CACHE_DIR")
    os.environ["ASSISTANT_EMBED_CACHE_DIR"] = str(path)
    yield path
    if before is None:
        os.environ.pop("ASSISTANT_EMBED_CACHE_DIR", None)
    else:
        os.environ["ASSISTANT_EMBED_CACHE_DIR"] = before


@pytest.fixture(scope="session", autouse=True)
def embedder(embed_cache: Path) -> Embedder:
    return Embedder(cache_dir=embed_cache)


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("corpus")
    for path in ARTICLES.iterdir():
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture(scope="session")
def bot(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder, corpus_dir: Path) -> Assistant:
    """An assistant over the five shipped articles (ingested once per test session)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("chroma"))
    assistant = Assistant(settings, embedder=embedder)
    assistant.ingest(corpus_dir, progress=False)
    return assistant


@pytest.fixture
def fresh_bot(tmp_path: Path, embedder: Embedder) -> Iterator[Assistant]:
    """An assistant with an empty index of its own."""
    yield Assistant(Settings(data_dir=tmp_path / "chroma"), embedder=embedder)
