"""Generators by name: a registry that maps ``"extractive"``, ``"local"``, ``"openai"`` (and any name a
plugin or a test registers) to a factory that builds the generator from settings.

The shape is simonw/llm's ``register_models``: the built-ins register themselves the same way a
test registers a deterministic fake, and ``make_generator`` knows no generator by name.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.answer.base import Generator
from assistant.config import Settings
from assistant.errors import ConfigError

GeneratorFactory = Callable[[Settings], Generator]

_FACTORIES: dict[str, GeneratorFactory] = {}


def register_generator(name: str, factory: GeneratorFactory) -> None:
    """Make ``name`` buildable; registering a name again replaces its factory."""
    _FACTORIES[name] = factory


def unregister_generator(name: str) -> None:
    _FACTORIES.pop(name, None)


def generator_names() -> list[str]:
    return list(_FACTORIES)


def make_generator(name: str, settings: Settings) -> Generator:
    """Build the generator called ``name`` from settings (models load lazily, on first use)."""
    factory = _FACTORIES.get(name)
    if factory is None:
        raise ConfigError(f"Unknown generator {name!r}; choose {', '.join(_FACTORIES)}.")
    return factory(settings)


def _extractive(settings: Settings) -> Generator:
    from assistant.answer.extractive import ExtractiveGenerator
    from assistant.answer.reader import bundled_reader

    return ExtractiveGenerator(reader=bundled_reader() if settings.reader else None)


def _local(settings: Settings) -> Generator:
    from assistant.answer.llm import LocalGenerator

    return LocalGenerator(
        model_path=settings.local_model_path, max_tokens=settings.max_answer_tokens, threads=settings.local_threads
    )


def _openai(settings: Settings) -> Generator:
    from assistant.answer.llm import OpenAIGenerator

    return OpenAIGenerator(
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key,
        model=settings.openai_model,
        timeout_s=settings.llm_timeout_s,
        max_tokens=settings.max_answer_tokens,
        output=settings.openai_output,
    )


register_generator("extractive", _extractive)
register_generator("local", _local)
register_generator("openai", _openai)
