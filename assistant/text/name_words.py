"""Word lists of the rule-based name finder (``people.find_people``), read from ``name_words.txt``.

NOT_NAME_WORDS: capitalised words that belong to organisations, places, vehicles, titles or headings,
never to a person's name; a capitalised run holding one is not a person. TITLE_WORDS: titles that
precede a name and are stripped ("Transportation Secretary Sean Duffy" -> "Sean Duffy").
"""

from __future__ import annotations

from pathlib import Path


def _sections() -> dict[str, frozenset[str]]:
    sections: dict[str, set[str]] = {}
    current = ""
    for line in Path(__file__).with_name("name_words.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith("["):
            current = line.strip("[] ")
            continue
        sections.setdefault(current, set()).update(line.split())
    return {name: frozenset(words) for name, words in sections.items()}


_LISTS = _sections()
NOT_NAME_WORDS = _LISTS["not_name"]
TITLE_WORDS = _LISTS["title"]
