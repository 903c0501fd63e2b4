"""Turn an ``Answer`` into what the page shows: chat Markdown with linked ``[n]`` markers and a sources panel.

Everything that came from an article is escaped: articles are text the user did not write and may
carry HTML, scripts or Markdown meant to look like part of the answer.
"""

from __future__ import annotations

import html
import re

from assistant.types import Answer, Chunk, Citation, ScoredChunk

MARKER = re.compile(r"\[(\d+)\]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&])")


def escape_markdown(text: str) -> str:
    """Text that renders literally in Markdown: punctuation backslash-escaped, HTML characters as entities."""

    def one(match: re.Match[str]) -> str:
        char = match.group(1)
        return html.escape(char) if char in "<>&" else "\\" + char

    return _MARKDOWN_SPECIAL.sub(one, text)


def _marker_link(citation: Citation | None, n: int) -> str:
    if citation is None:
        return escape_markdown(f"[{n}]")
    hover = f"{citation.file}: {citation.quote}".replace('"', "'")
    hover = escape_markdown(hover if len(hover) <= 300 else hover[:297] + "...")
    return f'[\\[{n}\\]](#source-{n} "{hover}")'


def answer_markdown(answer: Answer) -> str:
    """The answer with each ``[n]`` linked to its source card (hover shows the quoted sentence)."""
    by_number = {c.n: c for c in answer.citations}
    pieces: list[str] = []
    last = 0
    for match in MARKER.finditer(answer.text):
        pieces.append(escape_markdown(answer.text[last : match.start()]))
        n = int(match.group(1))
        pieces.append(_marker_link(by_number.get(n), n))
        last = match.end()
    pieces.append(escape_markdown(answer.text[last:]))
    text = "".join(pieces)
    for note in answer.notes:
        text += f"\n\n*Note: {escape_markdown(note)}*"
    return text


def _published(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else "undated"


def _highlighted_passage(chunk: Chunk, citations: list[Citation]) -> str:
    """The chunk as HTML with each cited sentence in <mark> (offsets are in the file's text)."""
    spans: list[tuple[int, int, int]] = []
    for citation in citations:
        start, end = citation.start - chunk.start, citation.end - chunk.start
        if not (0 <= start < end <= len(chunk.text) and chunk.text[start:end] == citation.quote):
            found = chunk.text.find(citation.quote)
            if found < 0:
                continue
            start, end = found, found + len(citation.quote)
        spans.append((start, end, citation.n))
    out: list[str] = []
    position = 0
    for start, end, n in sorted(spans):
        if start < position:
            continue  # two citations of one sentence: mark it once
        out.append(html.escape(chunk.text[position:start]))
        out.append(f'<mark data-cite="{n}">{html.escape(chunk.text[start:end])}</mark>')
        position = end
    out.append(html.escape(chunk.text[position:]))
    return "".join(out)


def _encoding_note(chunk: Chunk | None) -> str:
    """Said on the card of a file that was not UTF-8: its offsets are not byte offsets."""
    if chunk is None or not chunk.encoding:
        return ""
    return (
        f' · <span class="source-encoding">decoded from {html.escape(chunk.encoding)}; '
        "character offsets index the decoded text</span>"
    )


def _also_reported(chunk: Chunk | None) -> str:
    """Syndicated copies merged into the cited article at ingest, with their dates."""
    if chunk is None or not chunk.also:
        return ""
    copies = ", ".join(f"{html.escape(where)} ({html.escape(day or 'undated')})" for where, day in chunk.also)
    return f'<div class="source-also">also reported by {copies}</div>'


def _card(citation: Citation, chunk: Chunk | None, all_citations: list[Citation]) -> str:
    title = html.escape(citation.title or "untitled")
    head = (
        f'<div class="source-head"><span class="source-n">[{citation.n}]</span> '
        f'<span class="source-file">{html.escape(citation.file)}</span> · '
        f'<span class="source-title">{title}</span> · '
        f'<span class="source-date">{_published(citation.published)}</span>{_encoding_note(chunk)}</div>'
    )
    if chunk is None:
        body = f"<mark>{html.escape(citation.quote)}</mark>"
    else:
        body = _highlighted_passage(chunk, [c for c in all_citations if c.chunk_id == chunk.id and c.n == citation.n])
    also = _also_reported(chunk)
    return f'<div class="source" id="source-{citation.n}">{head}{also}<div class="passage">{body}</div></div>'


def sources_html(answer: Answer | None, show_retrieved: bool = False) -> str:
    """The sources panel: one card per citation, then (optionally) every retrieved passage."""
    if answer is None:
        return '<div class="sources-empty">Sources of the latest answer appear here.</div>'
    chunks = {hit.chunk.id: hit.chunk for hit in answer.sources}
    citations = list(answer.citations)
    parts = ['<div class="sources">']
    if citations:
        parts.append(
            f"<h3>Sources ({len(answer.cited_files)} article{'s' if len(answer.cited_files) != 1 else ''})</h3>"
        )
        parts.extend(_card(c, chunks.get(c.chunk_id), citations) for c in citations)
    else:
        parts.append('<div class="sources-empty">No source supports an answer to this question.</div>')
    if show_retrieved and answer.sources:
        parts.append("<h3>Retrieved passages</h3>")
        parts.extend(_retrieved(i + 1, hit) for i, hit in enumerate(answer.sources))
    parts.append("</div>")
    return "".join(parts)


def _retrieved(rank: int, hit: ScoredChunk) -> str:
    scores = f"fused {hit.score:.3f}"
    if hit.dense is not None:
        scores += f" · cosine {hit.dense:.3f}"
    if hit.bm25 is not None:
        scores += f" · bm25 {hit.bm25:.2f}"
    return (
        f'<div class="retrieved"><div class="source-head">#{rank} '
        f'<span class="source-file">{html.escape(hit.chunk.file)}</span> · {scores}</div>'
        f'<div class="passage">{html.escape(hit.chunk.text)}</div></div>'
    )
