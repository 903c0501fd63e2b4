"""Structured replies: the formats tried in turn, the JSON read (also when cut off), the draft text."""

from __future__ import annotations

from assistant.answer.structured import CitedAnswer, formats_to_try, parse_reply, response_format, with_markers


def test_auto_tries_each_format_and_every_setting_ends_with_markers() -> None:
    assert formats_to_try("auto") == ["json_schema", "json_object", "none"]
    assert formats_to_try("json_object") == ["json_object", "none"]
    assert formats_to_try("none") == ["none"]


def test_each_server_style_carries_the_schema() -> None:
    openai_style = response_format("json_schema")
    llama_style = response_format("json_object")
    assert openai_style is not None and llama_style is not None
    assert openai_style["json_schema"]["schema"]["required"] == ["sentences", "answerable", "answer"]
    assert llama_style["schema"]["additionalProperties"] is False
    assert response_format("none") is None


def test_a_json_reply_is_read() -> None:
    reply = parse_reply('{"sentences": [2, 3], "answerable": true, "answer": "Ana Lucia Ortiz"}')
    assert reply == CitedAnswer(sentences=[2, 3], answerable=True, answer="Ana Lucia Ortiz")


def test_a_raw_newline_inside_a_string_is_read() -> None:
    reply = parse_reply('{"sentences": [1], "answerable": true, "answer": "Thursday,\nafter two years"}')
    assert reply is not None and reply.answer == "Thursday,\nafter two years"


def test_a_fenced_reply_with_missing_fields_is_read() -> None:
    reply = parse_reply('```json\n{"answer": "Thursday"}\n```')
    assert reply == CitedAnswer(sentences=[], answerable=True, answer="Thursday")


def test_a_reply_cut_off_by_the_token_limit_keeps_its_complete_fields() -> None:
    reply = parse_reply('{"sentences": [1], "answerable": true, "answer": "48 million dollars", "extra": "and the')
    assert reply == CitedAnswer(sentences=[1], answerable=True, answer="48 million dollars")
    refused = parse_reply('{"sentences": [], "answerable": false, "answer": "The sentences say nothing ab')
    assert refused is not None and not refused.answerable


def test_text_that_is_not_json_is_not_a_reply() -> None:
    assert parse_reply("Ana Lucia Ortiz [2].") is None
    assert parse_reply('{"answer": 3}') is None


def test_the_draft_text_carries_the_cited_numbers_before_its_full_stop() -> None:
    assert with_markers("Ana Lucia Ortiz", [2, 2, 3]) == "Ana Lucia Ortiz [2][3]."
    assert with_markers("It reopened on Thursday.", [1]) == "It reopened on Thursday [1]."
    assert with_markers("Thursday [1]", [4]) == "Thursday [1]."
