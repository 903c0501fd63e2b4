"""The public API: ``assistant.__all__`` names exactly what the package exports (httpx's exported-members test)."""

from __future__ import annotations

import assistant

EXPECTED = {
    "Answer",
    "Article",
    "Assistant",
    "AssistantError",
    "Chunk",
    "Citation",
    "ConfigError",
    "GeneratorUnavailableError",
    "IndexMismatchError",
    "IndexMissingError",
    "IngestReport",
    "InvalidQuestionError",
    "ScoredChunk",
    "Settings",
    "StoreUnavailableError",
    "Timings",
    "UnreadableFileError",
}


def test_all_is_the_public_api() -> None:
    assert set(assistant.__all__) == EXPECTED
    assert assistant.__all__ == sorted(assistant.__all__)


def test_every_exported_member_is_importable_and_says_it_belongs_to_the_package() -> None:
    for name in assistant.__all__:
        member = getattr(assistant, name)
        assert member.__module__.startswith("assistant."), name


def test_no_other_public_names_leak() -> None:
    public = {n for n in dir(assistant) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(assistant, n)).__name__ == "module"}
    assert public - modules == EXPECTED
