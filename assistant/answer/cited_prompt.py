"""The prompt built for citing: the best sentences, numbered, grouped by article under its title and date.

A model cites what it can point at. Raw chunks make it cite a whole passage (and copy its markdown);
numbered sentences let it name the one or two sentences its answer rests on, which grounding then
checks claim by claim. Articles come in the order of their best sentence, each article's sentences
in the order the article writes them (a "she" then reads after the name it stands for), and the
numbers run 1..n down the page.
"""

from __future__ import annotations

import re

from assistant.answer.prompts import render
from assistant.types import Passage

SYSTEM_PROMPTS = {True: "cite_json_system", False: "cite_markers_system"}


def in_article_order(passages: list[Passage]) -> list[Passage]:
    """The sentence passages grouped by article (best article first), in reading order, renumbered 1..n."""
    first_seen: dict[str, int] = {}
    for p in passages:
        first_seen.setdefault(p.chunk.file, len(first_seen))
    ordered = sorted(passages, key=lambda p: (first_seen[p.chunk.file], p.chunk.start))
    return [Passage(n, p.chunk) for n, p in enumerate(ordered, start=1)]


def _clean(text: str) -> str:
    # Markdown emphasis and links only invite the model to copy them.
    return re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", " ".join(text.split())).replace("**", "")


def format_sentences(passages: list[Passage]) -> str:
    """Each article's heading (title, or file name, and its date) over its numbered sentences."""
    blocks: list[list[str]] = []
    current: str | None = None
    for p in passages:
        if p.chunk.file != current:
            current = p.chunk.file
            dated = f"published {p.chunk.published.isoformat()}" if p.chunk.published else "undated"
            blocks.append([f"Article: {_clean(p.chunk.title or p.chunk.file)} ({dated})"])
        blocks[-1].append(f"[{p.n}] {_clean(p.chunk.text)}")
    return "\n\n".join("\n".join(block) for block in blocks)


def citing_messages(question: str, passages: list[Passage], structured: bool) -> list[dict[str, str]]:
    """Chat messages asking for a short answer and the numbers of its sentences: as a JSON object when
    the server enforces a schema (``structured``), else as text with ``[n]`` markers."""
    return [
        {"role": "system", "content": render(SYSTEM_PROMPTS[structured])},
        {"role": "user", "content": render("cite_user", sentences=format_sentences(passages), question=question)},
    ]
