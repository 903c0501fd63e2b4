"""The generator interface and the factory that picks one by name.

A generator sees the question and numbered passages and returns a draft whose ``[n]`` markers
refer to those passages. It never builds citations itself: ``grounding`` does that for all of them,
the same way, and decides what of the draft may be shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from assistant.types import Chunk

if TYPE_CHECKING:
    from assistant.config import Settings


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk as the generator sees it: ``[n]`` in the draft means this one."""

    n: int
    chunk: Chunk


@dataclass(frozen=True)
class Draft:
    text: str
    short_answer: str | None = None
    abstained: bool = False


class Generator(Protocol):
    name: str

    def generate(self, question: str, passages: list[Passage]) -> Draft: ...

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        """Text pieces of the draft as they are produced."""
        ...


def make_generator(name: str, settings: Settings) -> Generator:
    """Build the generator called ``name`` from settings (models load lazily, on first use)."""
    from assistant.errors import ConfigError

    if name == "extractive":
        from assistant.extractive import ExtractiveGenerator

        return ExtractiveGenerator()
    if name == "local":
        from assistant.llm import LocalGenerator

        return LocalGenerator(
            model_path=settings.local_model_path,
            max_tokens=settings.max_answer_tokens,
            threads=settings.local_threads,
        )
    if name == "openai":
        from assistant.llm import OpenAIGenerator

        return OpenAIGenerator(
            base_url=settings.openai_base_url,
            api_key=settings.openai_api_key,
            model=settings.openai_model,
            timeout_s=settings.llm_timeout_s,
            max_tokens=settings.max_answer_tokens,
        )
    raise ConfigError(f"Unknown generator {name!r}; choose extractive, local or openai.")
