"""Structured output: the JSON object a model is asked for, how it is asked, and reading the reply.

The reply is ``{"sentences": [2], "answerable": true, "answer": "Jessica Meir"}``: the sentence numbers
first, so the model picks its evidence before it writes, then whether that evidence answers at all, then
the short answer. Servers ask for it differently:
- ``json_schema``: OpenAI's ``{"type": "json_schema", "json_schema": {...}}`` (OpenAI, vLLM, Ollama, LM Studio);
- ``json_object``: ``{"type": "json_object", "schema": {...}}`` (llama-cpp-python's server, which turns the
  schema into a grammar; it refuses ``json_schema``, with HTTP 500 in 0.3.36);
- ``none``: no structured output; the model writes ``answer [n]`` and the markers are parsed.
``auto`` tries them in that order and keeps the first the server accepts.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.config import OutputSetting

OutputFormat = Literal["json_schema", "json_object", "none"]
AUTO_ORDER: tuple[OutputFormat, ...] = ("json_schema", "json_object", "none")
JSON_TOKENS = 32  # what the keys and brackets of the object cost beyond the answer itself
MAX_ANSWER_CHARS = 160  # a name, a date, a number, a roster or a few words
MAX_CITED = 4


class CitedAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sentences: list[int]
    answerable: bool
    answer: str


def formats_to_try(setting: OutputSetting) -> list[OutputFormat]:
    """The formats in the order they are tried; every setting ends with parsing markers."""
    if setting == "auto":
        return list(AUTO_ORDER)
    return list(dict.fromkeys([setting, "none"]))


def response_format(kind: OutputFormat) -> dict[str, Any] | None:
    """The ``response_format`` request field for ``kind`` (None: send none)."""
    schema = CitedAnswer.model_json_schema()
    if kind == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": "cited_answer", "schema": schema, "strict": True}}
    if kind == "json_object":
        # llama.cpp turns the schema into a grammar: bounds keep a small model from writing until the
        # token limit cuts the object off. (OpenAI's strict mode has refused such keywords, so only here.)
        schema["properties"]["answer"]["maxLength"] = MAX_ANSWER_CHARS
        schema["properties"]["sentences"]["maxItems"] = MAX_CITED
        return {"type": "json_object", "schema": schema}
    return None


_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.I)
_ANSWER_FIELD = re.compile(r'"answer"\s*:\s*"((?:[^"\\]|\\.)*)"')
_SENTENCES_FIELD = re.compile(r'"sentences"\s*:\s*\[([\d\s,]*)')
_UNANSWERABLE = re.compile(r'"answerable"\s*:\s*false')


def parse_reply(text: str) -> CitedAnswer | None:
    """The reply as a ``CitedAnswer``, or None when it is not one (then it is read as text with markers).

    A reply cut off by the token limit keeps its answer when that field was complete.
    """
    body = _FENCE.sub("", text.strip())
    found = re.search(r"\{.*\}", body, re.S)
    try:
        # strict=False: a grammar may let a raw newline into a string, which the JSON standard forbids.
        data = json.loads(found.group(0) if found else body, strict=False)
    except ValueError:
        data = _salvaged(body)
        if data is None:
            return None
    if not isinstance(data, dict) or not isinstance(data.get("answer"), str):
        return None
    try:
        return CitedAnswer.model_validate(
            {
                "sentences": data.get("sentences") or [],
                "answerable": data.get("answerable", True),
                "answer": data["answer"],
            }
        )
    except ValidationError:
        return None


def _salvaged(body: str) -> dict[str, Any] | None:
    """The complete fields of a reply cut off by the token limit (its answer, or that it has none)."""
    answer = _ANSWER_FIELD.search(body)
    refused = _UNANSWERABLE.search(body) is not None
    if answer is None and not refused:
        return None
    numbers = _SENTENCES_FIELD.search(body)
    return {
        "answer": json.loads(f'"{answer.group(1)}"', strict=False) if answer else "",
        "answerable": not refused,
        "sentences": [int(n) for n in re.findall(r"\d+", numbers.group(1))] if numbers else [],
    }


def with_markers(answer: str, sentences: list[int]) -> str:
    """The answer as draft text: its own ``[n]`` markers if it wrote any, else the cited numbers, then a full stop."""
    text = " ".join(answer.split())
    if not re.search(r"\[\d+\]", text):
        markers = "".join(f"[{n}]" for n in dict.fromkeys(sentences))
        text = f"{text.rstrip('.')} {markers}".rstrip()
    return text if re.search(r"[.!?…]$", text) else f"{text}."
