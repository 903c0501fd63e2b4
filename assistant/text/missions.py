"""Mission designators ("Crew-12", "Ax 4"), with the prefixes the domain vocabulary knows."""

from __future__ import annotations

import re

from assistant.domain import VOCABULARY


def find_missions(text: str) -> list[str]:
    """Mission designators, normalised: "Crew 12" and "crew-12" both give "crew-12"."""
    return [re.sub(r"[\s-]+", "-", m.group(0).lower()) for m in VOCABULARY.mission_pattern.finditer(text)]
