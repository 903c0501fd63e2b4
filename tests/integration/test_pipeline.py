"""End to end on the shipped articles with the extractive generator: real model, real Chroma."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant import (
    Answer,
    Assistant,
    IndexMismatchError,
    IndexMissingError,
    InvalidQuestionError,
    Settings,
)
from assistant.store.embedding import Embedder
from tests.conftest import ARTICLES

FILE_TEXT = {p.name: p.read_text(encoding="utf-8") for p in ARTICLES.iterdir()}


def _check_citations(answer: Answer) -> None:
    retrieved = {s.chunk.id for s in answer.sources}
    for citation in answer.citations:
        assert citation.chunk_id in retrieved
        assert FILE_TEXT[citation.file][citation.start : citation.end] == citation.quote
        assert f"[{citation.n}]" in answer.text
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert markers == {c.n for c in answer.citations}


def test_crew12_docking_date_is_cited(bot: Assistant) -> None:
    answer = bot.ask("When did Crew-12 dock with the ISS?")
    assert "February 14, 2026" in answer.text and "3:15 p.m. EST" in answer.text
    assert answer.citations[0].file == "002_15bd8c08e1a82e16.txt"
    assert "February 14, 2026" in answer.citations[0].quote
    _check_citations(answer)


def test_leader_of_crew12(bot: Assistant) -> None:
    answer = bot.ask("Who leads the Crew-12 mission?")
    assert answer.short_answer == "Jessica Meir"
    assert "Jessica Meir" in answer.citations[0].quote
    _check_citations(answer)


def test_a_crew_role_question_in_other_words(bot: Assistant) -> None:
    # "cosmonaut", a synonym of the generic "astronaut", stands next to another crew member's name.
    answer = bot.ask("Which astronaut commands Crew-12?")
    assert answer.short_answer == "Jessica Meir", answer.text


def test_a_roster_asked_for_as_people(bot: Assistant) -> None:
    answer = bot.ask("List the four people who launched on Crew-12.")
    for name in ("Jessica Meir", "Jack Hathaway", "Sophie Adenot", "Andrey Fedyaev"):
        assert name in answer.text


def test_roster_of_crew11(bot: Assistant) -> None:
    answer = bot.ask("Who was on Crew-11?")
    for name in ("Zena Cardman", "Mike Fincke", "Kimiya Yui", "Oleg Platonov"):
        assert name in answer.text
    _check_citations(answer)


def test_relative_weekday_is_resolved_with_the_original_wording(bot: Assistant) -> None:
    answer = bot.ask("When is Crew-11 expected to dock with the station?")
    assert "Saturday" in answer.text and "August 2, 2025" in answer.text
    assert "Saturday" in answer.citations[0].quote


@pytest.mark.parametrize(
    "question",
    [
        "Who commanded Crew-13?",
        # The articles name Crew-11's crew but not its commander; the head of an agency met beside
        # the launch is no answer.
        "Who commanded Crew-11?",
        "What is the capital of France?",
        "When did Blue Origin launch New Glenn?",
    ],
)
def test_uncovered_questions_abstain_and_cite_nothing(bot: Assistant, question: str) -> None:
    answer = bot.ask(question)
    assert answer.abstained
    assert answer.citations == ()
    assert "do not" in answer.text


def test_stream_yields_text_then_the_same_answer(bot: Assistant) -> None:
    items = list(bot.stream("How many hooks latched the capsule into place?"))
    assert isinstance(items[-1], Answer)
    assert all(isinstance(i, str) for i in items[:-1]) and items[:-1]
    assert "dozen" in items[-1].text


def test_chat_follow_up_borrows_the_mission_from_history(bot: Assistant) -> None:
    answer = bot.chat(
        [
            {"role": "user", "content": "When did Crew-12 dock with the ISS?"},
            {"role": "assistant", "content": "February 14, 2026 [1]."},
            {"role": "user", "content": "And who leads it?"},
        ]
    )
    assert "Jessica Meir" in answer.text


@pytest.mark.parametrize("question", ["", "   \n\t", "x" * 5000])
def test_bad_questions_get_a_clear_error(bot: Assistant, question: str) -> None:
    with pytest.raises(InvalidQuestionError):
        bot.ask(question)


def test_control_characters_are_cleaned(bot: Assistant) -> None:
    assert bot.ask("Who leads\x00 the Crew-12\x07 mission?").short_answer == "Jessica Meir"


def test_missing_index_is_a_clear_error(tmp_path: Path, embedder: Embedder) -> None:
    empty = Assistant(Settings(data_dir=tmp_path / "none"), embedder=embedder)
    with pytest.raises(IndexMissingError, match="assistant ingest"):
        empty.ask("Who leads Crew-12?")


def test_index_emptied_by_deletes_is_a_clear_error(
    fresh_bot: Assistant, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_bot.ingest(next(corpus_dir.iterdir()), progress=False)
    fresh_bot.retrieve("Who leads Crew-12?")
    real_is_empty = fresh_bot.store.is_empty
    calls: list[int] = []
    monkeypatch.setattr(fresh_bot.store, "is_empty", lambda: calls.append(1) or real_is_empty())
    fresh_bot.retrieve("When did Crew-12 launch?")
    assert calls == []  # asked once per index revision, not per question
    for record in fresh_bot.documents():
        fresh_bot.delete(record.file)
    with pytest.raises(IndexMissingError, match="index is empty"):
        fresh_bot.ask("Who leads Crew-12?")
    assert calls == [1]  # the deletes bumped the revision: looked again, once


def test_opening_with_other_chunk_settings_is_refused(bot: Assistant, embedder: Embedder) -> None:
    other = Assistant(Settings(data_dir=bot.settings.data_dir, chunk_size=512), embedder=embedder)
    with pytest.raises(IndexMismatchError, match="chunk_size"):
        other.ask("Who leads Crew-12?")


def test_documents_lists_articles_with_dates(bot: Assistant) -> None:
    docs = {d.file: d for d in bot.documents()}
    assert len(docs) == 5
    assert docs["004_ff12244044f7d626.txt"].published is not None
    assert all(d.chunks > 0 for d in docs.values())
