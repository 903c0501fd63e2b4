"""Facts in storage form: a compact JSON string in the chunk's Chroma metadata (``Chunk.facts``)."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from assistant.types import Fact


def facts_to_json(facts: tuple[Fact, ...] | list[Fact]) -> str:
    rows = []
    for fact in facts:
        row = {k: v for k, v in asdict(fact).items() if v is not None and k not in {"file", "chunk_id", "published"}}
        if fact.day:
            row["day"] = fact.day.isoformat()
        rows.append(row)
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def facts_from_json(raw: str, file: str, chunk_id: str, published: date | None) -> list[Fact]:
    out = []
    for row in json.loads(raw):
        day = row.pop("day", None)
        out.append(
            Fact(
                **row,
                file=file,
                chunk_id=chunk_id,
                published=published,
                day=date.fromisoformat(day) if day else None,
            )
        )
    return out
