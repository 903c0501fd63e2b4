"""The crews-and-events table: every stored fact, with people's names merged across articles.

"Meir" in one article and "Jessica Meir" in another are one person; "Mike Fincke" and "Michael
Fincke" too. The table answers the questions a list answers best: a mission's whole crew, every
docking with its date, what happened in a given month, who holds a post (and whether the
articles disagree on it).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from assistant.text.dates import find_dates
from assistant.text.periods import DateRange, describe_relative, month_range
from assistant.types import Fact

_NICKNAMES = [
    {"mike", "michael"},
    {"bill", "william"},
    {"bob", "robert"},
    {"jim", "james"},
    {"tom", "thomas"},
    {"chris", "christopher"},
    {"dan", "daniel"},
    {"steve", "steven", "stephen"},
    {"andy", "andrew"},
    {"matt", "matthew"},
    {"alex", "alexander", "alexey", "aleksey"},
    {"dmitry", "dmitri", "dmitriy"},
    {"andrey", "andrei"},
    {"sergey", "sergei"},
]


def _same_first_name(a: str, b: str) -> bool:
    a, b = a.lower().rstrip("."), b.lower().rstrip(".")
    if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
    return any(a in group and b in group for group in _NICKNAMES)


def same_person_across_articles(a: str, b: str) -> bool:
    """Surnames equal and first names equal, a nickname of each other, or an initial."""
    sa, sb = a.split(), b.split()
    if not sa or not sb or sa[-1].lower() != sb[-1].lower():
        return False
    return len(sa) == 1 or len(sb) == 1 or _same_first_name(sa[0], sb[0])


class NameIndex:
    """Maps every written form of a name to one canonical form (the most used full name)."""

    def __init__(self, names: Iterable[str]) -> None:
        counts = Counter(n for n in names if n)
        groups: list[list[str]] = []
        for name in sorted((n for n in counts if len(n.split()) > 1), key=lambda n: -counts[n]):
            # Compatible with every member, not just one: "J. Meir" must not join Jessica and Jack.
            home = next((g for g in groups if all(same_person_across_articles(name, m) for m in g)), None)
            if home is None:
                groups.append([name])
            else:
                home.append(name)
        self._canonical: dict[str, str] = {}
        self._aliases: dict[str, list[str]] = {}
        for group in groups:
            canonical = max(group, key=lambda n: (counts[n], len(n)))
            for form in group:
                self._canonical[form.lower()] = canonical
            self._aliases[canonical] = sorted(set(group) - {canonical})
        for single in (n for n in counts if len(n.split()) == 1):
            owners = {c for c in self._aliases if c.split()[-1].lower() == single.lower()}
            if len(owners) == 1:  # a bare surname joins the one full name it can mean
                owner = owners.pop()
                self._canonical[single.lower()] = owner
                self._aliases[owner] = sorted({*self._aliases[owner], single})

    def canonical(self, name: str) -> str:
        return self._canonical.get(name.lower(), name)

    def aliases(self, name: str) -> list[str]:
        return self._aliases.get(self.canonical(name), [])


def mission_label(mission: str) -> str:
    """ "crew-11" -> "Crew-11", "crs-20" -> "CRS-20"."""
    head, _, number = mission.partition("-")
    head = head.upper() if head in {"crs", "ax"} else head.capitalize()
    return f"{head}-{number}" if number else head


def when_text(fact: Fact) -> str | None:
    """The fact's date as an answer shows it: the article's words, resolved where they are relative."""
    if not fact.day_wording:
        return None
    mentions = find_dates(fact.day_wording)
    if mentions and mentions[0].kind in {"date", "month", "year"}:
        return fact.day_wording
    context = fact.quote[: max(0, fact.quote.find(fact.day_wording))][-60:]
    return describe_relative(fact.day_wording, fact.published, context)


def fact_period(fact: Fact) -> tuple[date, date] | None:
    """The days a fact's date could mean: one day, or a whole month/year when that is all it gives."""
    if fact.day:
        return fact.day, fact.day
    if not fact.day_wording:
        return None
    mention = next(iter(find_dates(fact.day_wording)), None)
    if mention is None or not mention.year:
        return None
    if mention.kind == "month" and mention.month:
        return month_range(mention.year, mention.month)
    if mention.kind == "year":
        return date(mention.year, 1, 1), date(mention.year, 12, 31)
    return None


@dataclass
class EventGroup:
    """One event (a mission's docking) with every sentence that reports it; ``best`` dates it best."""

    event: str
    mission: str | None
    facts: list[Fact] = field(default_factory=list)

    @cached_property
    def best(self) -> Fact:
        """Read once the group is complete (``FactTable.events`` builds it, then sorts by it)."""

        def rank(f: Fact) -> tuple[int, int, int]:
            mentions = find_dates(f.day_wording) if f.day_wording else []
            wording_kind = mentions[0].kind if mentions else ""
            precision = (
                0 if f.day else {"date": 1, "weekday": 2, "relative": 3, "month": 4, "year": 5}.get(wording_kind, 9)
            )
            return precision, 0 if f.time else 1, 0 if f.status == "happened" else 1

        return min(self.facts, key=rank)

    @property
    def crewed(self) -> bool | None:
        values = {f.crewed for f in self.facts if f.crewed is not None}
        return values.pop() if len(values) == 1 else None


class FactTable:
    """All facts of an index, queried by mission, event kind, period and post."""

    def __init__(self, facts: list[Fact]) -> None:
        self.facts = sorted(facts, key=lambda f: (f.file, f.start, f.kind))
        self.names = NameIndex(f.person for f in self.facts if f.person)

    def __len__(self) -> int:
        return len(self.facts)

    def person(self, fact: Fact) -> str:
        return self.names.canonical(fact.person or "")

    def missions(self) -> list[str]:
        return sorted({f.mission for f in self.facts if f.mission and f.kind == "crew"})

    def crew(self, mission: str) -> dict[str, list[Fact]]:
        """Canonical name -> the crew facts naming them on ``mission``, sentences naming it first."""
        out: dict[str, list[Fact]] = {}
        for fact in self.facts:
            if fact.kind == "crew" and fact.mission == mission:
                out.setdefault(self.person(fact), []).append(fact)
        for facts in out.values():
            facts.sort(key=lambda f: (mission not in f.quote.lower(), f.file, f.start))
        return out

    def agency_of(self, name: str) -> str | None:
        agencies = [f.agency for f in self.facts if f.agency and f.kind == "crew" and self.person(f) == name]
        return Counter(agencies).most_common(1)[0][0] if agencies else None

    def events(
        self, event: str | None = None, crewed: bool | None = None, within: DateRange | None = None
    ) -> list[EventGroup]:
        """Events grouped per (mission, kind); a mission-less report is grouped per article."""
        groups: dict[tuple[str, str], EventGroup] = {}
        for fact in self.facts:
            if fact.kind != "event" or not fact.event or (event and fact.event != event):
                continue
            key = (fact.mission or f"file:{fact.file}", fact.event)
            groups.setdefault(key, EventGroup(fact.event, fact.mission)).facts.append(fact)
        out = []
        for group in groups.values():
            if crewed is not None and group.crewed is not crewed:
                continue
            if within is not None:
                dated = [
                    f for f in group.facts if (p := fact_period(f)) and p[0] <= within.end and within.start <= p[1]
                ]
                if not dated:
                    continue
                group = EventGroup(group.event, group.mission, dated)
            out.append(group)
        return sorted(out, key=lambda g: (fact_period(g.best) or (date.max, date.max))[0])

    def holders(self, post_words: set[str], agency: str | None, qualifiers: set[str]) -> dict[str, list[Fact]]:
        """Canonical name -> role facts whose post has all ``post_words`` (and the asked agency)."""
        out: dict[str, list[Fact]] = {}
        for fact in self.facts:
            if fact.kind != "role" or not fact.role:
                continue
            words = set(re.findall(r"[a-z]+", fact.role.lower()))
            if not post_words <= words or not qualifiers <= words:
                continue
            if agency and fact.agency != agency:
                continue
            out.setdefault(self.person(fact), []).append(fact)
        return out

    def rows(self) -> list[dict[str, str]]:
        """One display row per fact (for the page and ``assistant facts``)."""
        rows = []
        for fact in sorted(self.facts, key=_display_order):
            rows.append(
                {
                    "kind": fact.kind,
                    "mission": mission_label(fact.mission) if fact.mission else "",
                    "person": self.person(fact) if fact.person else "",
                    "role": fact.role or "",
                    "agency": fact.agency or "",
                    "event": fact.event or "",
                    "status": fact.status or "",
                    "date": when_text(fact) or "",
                    "time": fact.time or "",
                    "vehicle": fact.vehicle or "",
                    "file": fact.file,
                    "published": fact.published.isoformat() if fact.published else "undated",
                    "quote": " ".join(fact.quote.split()),
                }
            )
        return rows


def _display_order(fact: Fact) -> tuple[int, str, str, int]:
    kinds = {"crew": 0, "event": 1, "role": 2}
    return kinds.get(fact.kind, 3), fact.mission or "~", fact.file, fact.start
