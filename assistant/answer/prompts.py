"""Prompt templates live in ``prompts/*.txt``; each starts with a ``# variables:`` line.

The declared variables are checked against the placeholders the template really uses (via
llama-index's ``PromptTemplate``), so a renamed placeholder fails at load, not as a silent "{x}".
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from llama_index.core.prompts import PromptTemplate

from assistant.errors import ConfigError


def _prompt_dirs() -> list[Path]:
    packaged = Path(str(resources.files("assistant"))) / "_prompts"  # inside a built wheel
    checkout = Path(__file__).resolve().parents[2] / "prompts"  # editable install / checkout
    return [p for p in (packaged, checkout) if p.is_dir()]


@cache
def load_prompt(name: str) -> PromptTemplate:
    """The template ``prompts/<name>.txt``; raises ConfigError if missing or inconsistent."""
    for folder in _prompt_dirs():
        path = folder / f"{name}.txt"
        if path.is_file():
            break
    else:
        raise ConfigError(f"Prompt file {name}.txt is missing from the prompts folder.")
    header, _, body = path.read_text(encoding="utf-8").partition("\n")
    if not header.startswith("# variables:"):
        raise ConfigError(f"{path} must start with a '# variables:' line.")
    declared = {v.strip() for v in header.removeprefix("# variables:").split(",") if v.strip()} - {"(none)"}
    template = PromptTemplate(body.strip("\n"))
    used = set(template.template_vars)
    if used != declared:
        raise ConfigError(f"{path} declares {sorted(declared)} but uses {sorted(used)}.")
    return template


def render(name: str, **variables: str) -> str:
    template = load_prompt(name)
    if not template.template_vars:
        return template.template
    return template.template.format(**{k: variables[k] for k in template.template_vars})
