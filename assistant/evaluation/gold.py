"""Gold questions in the JSONL format of the design card; any file in that format is accepted."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from assistant.errors import ConfigError

GoldType = Literal["person", "people", "date", "number", "text", "unanswerable"]


class GoldQuestion(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    question: str
    type: GoldType
    answer: str | float | int | list[str] | None
    aliases: list[str] = []
    sources: list[str] = []
    history: list[dict[str, str]] = []  # earlier turns, for follow-up questions
    # Optional fields of this project's gold set (other sets may leave them out):
    category: str | None = None  # "temporal", "roster", "conflict", "follow-up": a report row each
    as_of: date | None = None  # the day the question is asked ("this week")
    all_of: list[str] = []  # phrases a correct answer must also contain (both values of a conflict)
    distractors: list[str] = []  # wrong choices of a quiz: an answer naming one is wrong

    def answer_strings(self) -> list[str]:
        """The gold answer and its aliases as text (for masking before distractors are looked for)."""
        answers = self.answer if isinstance(self.answer, list) else [self.answer]
        return [str(a) for a in [*answers, *self.aliases] if a is not None]

    def number_value(self) -> float | None:
        """The value of a number answer: a JSON number, or the first number in "34 hours" / "a dozen"."""
        if isinstance(self.answer, bool):
            return None
        if isinstance(self.answer, int | float):
            return float(self.answer)
        if isinstance(self.answer, str):
            from assistant.evaluation.readings import number_values

            values = number_values(self.answer)
            return values[0] if values else None
        return None

    @model_validator(mode="after")
    def _answer_fits_type(self) -> GoldQuestion:
        if self.type == "unanswerable":
            if self.answer is not None:
                raise ValueError("an unanswerable question has answer null")
        elif self.type == "people":
            if not isinstance(self.answer, list) or not self.answer:
                raise ValueError("a people answer is a non-empty list of names")
        elif self.type == "number":
            if self.number_value() is None:
                raise ValueError('a number answer is a number, or text holding one ("34 hours", "a dozen")')
        elif not isinstance(self.answer, str) or not self.answer.strip():
            raise ValueError(f"a {self.type} answer is a non-empty string")
        elif self.type == "date":
            try:
                date.fromisoformat(self.answer)
            except ValueError:
                raise ValueError(f"a date answer is YYYY-MM-DD, not {self.answer!r}") from None
        return self


def load_gold(path: Path) -> list[GoldQuestion]:
    """Every question of the file; a malformed line is an error that names the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise ConfigError(f"Cannot read the gold file {path} ({err.strerror}).") from err
    except UnicodeDecodeError as err:
        raise ConfigError(f"The gold file {path} is not UTF-8 text.") from err
    questions: list[GoldQuestion] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            question = GoldQuestion.model_validate(json.loads(line))
        except json.JSONDecodeError as err:
            raise ConfigError(f"{path}, line {number}: not valid JSON ({err.msg}).") from err
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "line"
            raise ConfigError(f"{path}, line {number}: {where}: {first['msg']}.") from err
        if question.id in seen:
            raise ConfigError(f"{path}, line {number}: duplicate id {question.id!r}.")
        seen.add(question.id)
        questions.append(question)
    if not questions:
        raise ConfigError(f"The gold file {path} holds no questions.")
    return questions


SPLITS = ("all", "tune", "report")


def split_of(question_id: str) -> str:
    """Ids ending in an even digit are the tuning half, odd ones the reported half (no digit: crc32)."""
    import zlib

    last = question_id.strip()[-1:]
    parity = int(last) % 2 if last.isdigit() else zlib.crc32(question_id.encode()) % 2
    return "tune" if parity == 0 else "report"


def in_split(questions: list[GoldQuestion], split: str) -> list[GoldQuestion]:
    if split not in SPLITS:
        raise ConfigError(f"Unknown split {split!r}; choose one of {', '.join(SPLITS)}.")
    if split == "all":
        return questions
    return [q for q in questions if split_of(q.id) == split]
