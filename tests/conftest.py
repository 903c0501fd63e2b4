"""Shared fixtures: the real embedding model, a real embedded Chroma in a temp dir, the shipped articles."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.embedding import Embedder

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT / "index" / "articles"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder()


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
