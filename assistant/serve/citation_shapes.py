"""An ``Answer``'s citations in the shapes other clients already parse: Anthropic and OpenAI.

Pure mapping, no I/O: the API adds these beside its own ``citations`` field when a request asks.

- ``anthropic``: the answer as Anthropic ``text`` content blocks, each carrying the
  ``char_location`` citations of its claim. ``document_index`` indexes ``Answer.cited_files``
  (the API's ``assistant.cited_files``); ``start_char_index``/``end_char_index`` index that file's
  decoded text, so ``text[start_char_index:end_char_index] == cited_text``. Block texts are the
  answer without its ``[n]`` markers (Anthropic attaches citations to blocks, not to markers).
- ``openai``: ``url_citation`` annotations whose ``start_index``/``end_index`` span each ``[n]``
  marker in the message content, as OpenAI's web-search annotations span their inline links.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal
from urllib.parse import quote

from assistant.types import Answer, Citation

CitationFormat = Literal["anthropic", "openai"]
CITATION_FORMATS: tuple[CitationFormat, ...] = ("anthropic", "openai")

_MARKER = re.compile(r"\[(\d+)\]")
_MARKER_GROUP = re.compile(r"\s*(?:\[\d+\])+")  # "[1][2]" cites one claim; the space before it goes too


def parse_formats(*values: str | None) -> tuple[CitationFormat, ...]:
    """``"anthropic"``, ``"openai"`` or both comma-separated, from a request field and a header.

    >>> parse_formats("openai", "anthropic, openai")
    ('anthropic', 'openai')
    """
    wanted: set[str] = set()
    for value in values:
        wanted.update(part.strip().lower() for part in (value or "").split(",") if part.strip())
    unknown = sorted(wanted - set(CITATION_FORMATS))
    if unknown:
        raise ValueError(f"Unknown citation format {unknown[0]!r}; use anthropic, openai or both (anthropic,openai).")
    return tuple(f for f in CITATION_FORMATS if f in wanted)


def resource_uri(file: str) -> str:
    """The MCP resource an article is readable at (``assistant mcp`` and ``/mcp``)."""
    return f"news://articles/{quote(file, safe='')}"


def source_urls(answer: Answer) -> dict[str, str]:
    """File -> the article's own URL when its text gave one, else its MCP resource URI."""
    urls = {hit.chunk.file: hit.chunk.url for hit in answer.sources if hit.chunk.url}
    return {file: urls.get(file) or resource_uri(file) for file in answer.cited_files}


def char_location(citation: Citation, document_index: int) -> dict[str, Any]:
    return {
        "type": "char_location",
        "cited_text": citation.quote,
        "document_index": document_index,
        "document_title": citation.title or citation.file,
        "start_char_index": citation.start,
        "end_char_index": citation.end,
    }


def anthropic_blocks(answer: Answer) -> list[dict[str, Any]]:
    """The answer as Anthropic text blocks: each claim with the ``char_location``s of its markers."""
    by_n = {c.n: c for c in answer.citations}
    index = {file: i for i, file in enumerate(answer.cited_files)}
    blocks: list[dict[str, Any]] = []
    last = 0
    for group in _MARKER_GROUP.finditer(answer.text):
        cited = [by_n[n] for n in _numbers(group.group(0)) if n in by_n]
        _add_block(blocks, answer.text[last : group.start()], [char_location(c, index[c.file]) for c in cited])
        last = group.end()
    _add_block(blocks, answer.text[last:], [])
    return blocks


def openai_annotations(answer: Answer, urls: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """One ``url_citation`` per ``[n]`` marker in ``answer.text``, spanning the marker."""
    by_n = {c.n: c for c in answer.citations}
    urls = source_urls(answer) if urls is None else urls
    annotations = []
    for marker in _MARKER.finditer(answer.text):
        citation = by_n.get(int(marker.group(1)))
        if citation is None:
            continue
        annotations.append(
            {
                "type": "url_citation",
                "url_citation": {
                    "start_index": marker.start(),
                    "end_index": marker.end(),
                    "url": urls.get(citation.file) or resource_uri(citation.file),
                    "title": citation.title or citation.file,
                    # Beyond OpenAI's fields: where in the file the quoted sentence is.
                    "file": citation.file,
                    "quote": citation.quote,
                    "start": citation.start,
                    "end": citation.end,
                },
            }
        )
    return annotations


def message_extras(answer: Answer, formats: Iterable[CitationFormat]) -> dict[str, Any]:
    """Fields to add to an API message (or the final stream delta) for the requested formats."""
    extras: dict[str, Any] = {}
    for fmt in formats:
        if fmt == "openai":
            extras["annotations"] = openai_annotations(answer)
        elif fmt == "anthropic":
            extras["content_blocks"] = anthropic_blocks(answer)
    return extras


def _numbers(group: str) -> list[int]:
    return list(dict.fromkeys(int(n) for n in _MARKER.findall(group)))


def _add_block(blocks: list[dict[str, Any]], text: str, citations: list[dict[str, Any]]) -> None:
    if not text and not citations:
        return
    block: dict[str, Any] = {"type": "text", "text": text}
    if citations:
        block["citations"] = citations
    blocks.append(block)
