"""Prompt files load from the checkout, declare exactly the variables they use, and render."""

from __future__ import annotations

import pytest

from assistant.answer.prompts import load_prompt, render
from assistant.errors import ConfigError


@pytest.mark.parametrize(
    "name", ["answer_system", "answer_user", "naive_user", "cite_json_system", "cite_markers_system", "cite_user"]
)
def test_every_shipped_prompt_loads(name: str) -> None:
    assert load_prompt(name).template.strip()


def test_render_fills_the_declared_variables() -> None:
    text = render("answer_user", passages="[1] The bridge reopened on Thursday.", question="When did it reopen?")
    assert "[1] The bridge reopened on Thursday." in text and "When did it reopen?" in text


def test_a_missing_prompt_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="missing"):
        load_prompt("no_such_prompt")
