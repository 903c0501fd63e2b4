"""The project's own errors: every failure a user can cause or meet ends as one of these.

Library errors (chromadb, openai, llama.cpp, file I/O) are translated at the boundary that calls
the library, so callers only ever catch ``AssistantError``. ``str(err)`` is one sentence meant
for the user; the original exception stays chained (``__cause__``) for the log.
"""

from __future__ import annotations


class AssistantError(Exception):
    """Base class: ``str(err)`` is a single user-facing sentence."""

    exit_code = 1


class ConfigError(AssistantError):
    """The settings are inconsistent or name something that does not exist."""

    exit_code = 2


class InvalidQuestionError(AssistantError):
    """The question is empty, too long or otherwise unusable."""

    exit_code = 2


class UnreadableFileError(AssistantError):
    """A file could not be turned into an article (empty, binary, undecodable, unsupported)."""

    exit_code = 3


class IndexMissingError(AssistantError):
    """There is no index yet, or it holds no articles."""

    exit_code = 4


class IndexMismatchError(AssistantError):
    """The collection was built with another embedding model or chunking settings."""

    exit_code = 4


class StoreUnavailableError(AssistantError):
    """The vector store (embedded or server) cannot be reached or failed."""

    exit_code = 5


class GeneratorUnavailableError(AssistantError):
    """The configured LLM cannot be loaded or reached, or did not answer in time."""

    exit_code = 6
