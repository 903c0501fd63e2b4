"""Grounded question answering over news articles, with every answer citing its sentences.

Example (the test suite runs this; it needs the shipped articles):

>>> from assistant import Assistant
>>> bot = Assistant.from_config(data_dir=getfixture("tmp_path"))
>>> report = bot.ingest("index/articles", progress=False)
>>> answer = bot.ask("Who leads the Crew-12 mission?")
>>> answer.short_answer
'Jessica Meir'
>>> answer.citations[0].file
'002_15bd8c08e1a82e16.txt'
>>> bot.ask("Who commanded Crew-13?").abstained
True
"""

from assistant.config import Settings
from assistant.errors import (
    AssistantError,
    ConfigError,
    GeneratorUnavailableError,
    IndexMismatchError,
    IndexMissingError,
    InvalidQuestionError,
    StoreUnavailableError,
    UnreadableFileError,
)
from assistant.ingest.indexer import IngestReport
from assistant.pipeline import Assistant
from assistant.types import Answer, Article, Chunk, Citation, ScoredChunk, Timings

__all__ = [
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
]
