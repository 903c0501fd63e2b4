"""The prompt built for citing: numbered sentences grouped by article under its title and date."""

from __future__ import annotations

from datetime import date

from assistant.answer.cited_prompt import citing_messages, format_sentences, in_article_order
from assistant.types import Chunk, Passage


def _sentence(n: int, file: str, start: int, text: str, title: str | None, day: date | None) -> Passage:
    return Passage(
        n,
        Chunk(
            id=f"{file}-{start}", file=file, text=text, start=start, end=start + len(text), title=title, published=day
        ),
    )


def _best_first() -> list[Passage]:
    return [
        _sentence(
            1, "bridge.txt", 120, "Mayor Ana Ortiz cut the **ribbon**.", "Harbour bridge reopens", date(2026, 3, 5)
        ),
        _sentence(2, "council.txt", 0, "The council met on [Monday](https://example.org/m).", None, None),
        _sentence(3, "bridge.txt", 40, "The bridge reopened on Thursday.", "Harbour bridge reopens", date(2026, 3, 5)),
    ]


def test_sentences_are_grouped_by_article_in_reading_order_and_renumbered() -> None:
    ordered = in_article_order(_best_first())
    assert [(p.n, p.chunk.file, p.chunk.start) for p in ordered] == [
        (1, "bridge.txt", 40),
        (2, "bridge.txt", 120),
        (3, "council.txt", 0),
    ]


def test_each_article_is_headed_by_its_title_and_date_and_markdown_is_dropped() -> None:
    text = format_sentences(in_article_order(_best_first()))
    assert text == (
        "Article: Harbour bridge reopens (published 2026-03-05)\n"
        "[1] The bridge reopened on Thursday.\n"
        "[2] Mayor Ana Ortiz cut the ribbon.\n"
        "\n"
        "Article: council.txt (undated)\n"
        "[3] The council met on Monday."
    )


def test_the_json_and_the_marker_prompts_ask_for_their_own_shape() -> None:
    passages = in_article_order(_best_first())
    structured = citing_messages("When did the bridge reopen?", passages, structured=True)
    markers = citing_messages("When did the bridge reopen?", passages, structured=False)
    assert '"answerable"' in structured[0]["content"] and "square brackets" in markers[0]["content"]
    assert structured[1] == markers[1]
    assert structured[1]["content"].endswith("Question: When did the bridge reopen?")
