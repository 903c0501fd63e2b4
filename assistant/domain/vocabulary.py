"""The space vocabulary, read once from ``space.toml`` into typed, compiled form.

Every stage that needs to know what "Crew-12", "ESA" or "Falcon 9" is asks this module, so the
vocabulary has one copy. Another domain would ship another TOML file with the same keys.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_FILE = Path(__file__).with_name("space.toml")


@dataclass(frozen=True)
class Agency:
    name: str  # canonical: "ESA"
    pattern: re.Pattern[str]  # how articles write it
    words: frozenset[str]  # lower-case question words that mean it ("european")


@dataclass(frozen=True)
class Vocabulary:
    mission_prefixes: tuple[str, ...]
    crewed_prefixes: frozenset[str]
    agencies: tuple[Agency, ...]
    spacecraft: re.Pattern[str]
    rockets: re.Pattern[str]
    uncrewed: re.Pattern[str]
    conversation_thing: re.Pattern[str]
    space_subject: re.Pattern[str]
    generic_terms: frozenset[str]
    not_narrowing: frozenset[str]
    neutral_proper: frozenset[str]
    synonyms: tuple[frozenset[str], ...]
    crew_roles: frozenset[str]
    expansions: dict[str, list[str]]

    @property
    def mission_pattern(self) -> re.Pattern[str]:
        """A mission designator: a known prefix, an optional space or hyphen, a number."""
        return _mission_pattern(self.mission_prefixes)

    @property
    def crewed_mission(self) -> re.Pattern[str]:
        """A normalised designator ("crew-11") of a mission that carries people."""
        return re.compile(rf"^(?:{'|'.join(sorted(self.crewed_prefixes))})-\d+$")

    @property
    def agency_words(self) -> dict[str, str]:
        """Question word -> canonical agency ("european" -> "ESA")."""
        return {word: agency.name for agency in self.agencies for word in agency.words}


@cache
def _mission_pattern(prefixes: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{'|'.join(prefixes)})[- ]?\d+\b", re.I)


@cache
def load_vocabulary(path: Path = _FILE) -> Vocabulary:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    vehicles, terms, missions = data["vehicles"], data["terms"], data["missions"]
    return Vocabulary(
        mission_prefixes=tuple(missions["prefixes"]),
        crewed_prefixes=frozenset(missions["crewed"]),
        agencies=tuple(Agency(a["name"], re.compile(a["pattern"]), frozenset(a["words"])) for a in data["agencies"]),
        spacecraft=re.compile(vehicles["spacecraft"]),
        rockets=re.compile(vehicles["rockets"]),
        uncrewed=re.compile(vehicles["uncrewed"], re.I),
        conversation_thing=re.compile(vehicles["conversation_thing"]),
        space_subject=re.compile(vehicles["space_subject"]),
        generic_terms=frozenset(terms["generic"]),
        not_narrowing=frozenset(terms["not_narrowing"]),
        neutral_proper=frozenset(terms["neutral_proper"]),
        synonyms=tuple(frozenset(group) for group in terms["synonyms"]),
        crew_roles=frozenset(terms["crew_roles"]),
        expansions={k: list(v) for k, v in terms["expansions"].items()},
    )
