"""Answers built from the crews-and-events table, for the questions a list answers completely.

- rosters: "Who flew on Crew-11?", "Which NASA astronauts were on Crew-11?" (one citation per fact);
- timelines: "List every crewed docking and its date";
- time-scoped questions: "Which crew launched in 2025?", "What docked this week?" (with ``as_of``);
- posts: "Who is the head of Roscosmos?", and when articles name different holders
  ("Who is NASA's administrator?") both, each with its citation and its article's date.

Anything else returns None and goes to retrieval. Every sentence of a table answer is composed
from one fact's values and cites that fact's sentence, so it is grounded by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from assistant.domain import VOCABULARY
from assistant.news.facts import agency_in
from assistant.news.table import (
    EventGroup,
    FactTable,
    fact_period,
    mission_label,
    same_person_across_articles,
    when_text,
)
from assistant.query.query import Query
from assistant.text.dates import MONTHS
from assistant.text.periods import DateRange, article_date_label
from assistant.types import Fact

_AGENCY_WORDS = VOCABULARY.agency_words
_ROSTER_CUE = re.compile(
    r"\b(?:astronauts?|cosmonauts?|crew(?!-\d)|members?|flew|fly|flies|aboard|on\s+board|roster|who\s+else|"
    r"who\s+(?:was|were|is|are)\s+(?:on|in))\b",
    re.I,
)
_NOT_A_ROSTER = re.compile(
    r"\b(?:chiefs?|heads?|administrators?|managers?|engineers?|photographers?|ceo|met|meeting|said|quoted|spoke)\b",
    re.I,
)
_EVENT_WORDS = [
    ("docking", re.compile(r"\bdock(?:s|ed|ing|ings)?\b", re.I)),
    ("launch", re.compile(r"\b(?:launch(?:es|ed|ing)?|lift(?:s|ed)?\s+off|lift-?offs?)\b", re.I)),
    # Reaching the station is its docking, as these articles report it.
    ("docking", re.compile(r"\b(?:reach(?:es|ed)?|arriv(?:e|ed|es|al))\b.*\b(?:station|ISS)\b", re.I)),
    ("splashdown", re.compile(r"\bsplash(?:ed|es)?\s*downs?\b|\bsplashdowns?\b", re.I)),
]
_LISTING = re.compile(
    r"\b(?:list|every|all|each|timeline)\b|\b(?:which|what)\s+(?:crewed\s+|uncrewed\s+)?"
    r"(?:missions?|crews?|spacecraft|vehicles?|capsules?|flights?|rockets?)\b|\bwhat\s+(?:docked|launched|lifted)\b",
    re.I,
)
# Capitalised words that narrow no roster: places, the vehicle, month names.
_NEUTRAL_PROPER = VOCABULARY.neutral_proper | set(MONTHS)
_POST_WORDS = {"administrator", "head", "chief", "ceo", "founder", "manager", "director", "president", "secretary"}
_LEAD_VERBS = {
    "heads": {"head", "administrator", "chief", "director", "ceo"},
    "leads": {"head", "administrator", "chief", "director", "ceo"},
    "runs": {"head", "administrator", "chief", "director", "ceo"},
}
_ROSTER_ASK = re.compile(r"^\W*(?:list|name)\b|\b(?:everyone|everybody)\b", re.I)
_ROLE_FILLER = {
    "who", "is", "was", "the", "a", "an", "of", "s", "current", "currently", "at", "for", "named", "according",
    "to", "articles", "article", "what", "name", "which", "person", "serves", "as", "in", "and", "now", "these",
    "this", "by", "today",
}  # fmt: skip


TABLE_GENERATOR = "facts-table"  # ``Answer.generator`` of an answer the table gave: no generator ran


@dataclass
class TableAnswer:
    """Text with ``[n]`` markers; ``facts[n-1]`` is what marker n cites."""

    text: str
    facts: list[Fact] = field(default_factory=list)
    short_answer: str | None = None
    kind: str = ""
    abstained: bool = False
    note: str | None = None


class _Citations:
    def __init__(self) -> None:
        self.facts: list[Fact] = []
        self._number: dict[tuple[str, int], int] = {}

    def marker(self, fact: Fact) -> str:
        key = (fact.chunk_id, fact.start)
        if key not in self._number:
            self.facts.append(fact)
            self._number[key] = len(self.facts)
        return f"[{self._number[key]}]"


def answer_from_table(query: Query, table: FactTable) -> TableAnswer | None:
    """A complete answer from the table, or None when the question is not one the table answers."""
    if not len(table):
        return None
    for attempt in (_roster_answer, _role_answer, _event_answer, _mission_date_answer):
        answer = attempt(query, table)
        if answer is not None:
            return answer
    return None


# -- rosters ---------------------------------------------------------------------------------
def _asked_agencies(query: Query) -> set[str] | None:
    """Agencies a roster question narrows to; None when it narrows by something else ("French")."""
    agencies: set[str] = set()
    names = {w.lower() for p in query.people for w in p.split()}
    words = re.findall(r"[A-Za-z][\w'’.-]*", query.text)
    for index, word in enumerate(words):
        bare = re.sub(r"['’]s$", "", word).lower().strip(".")
        if bare in _AGENCY_WORDS:
            if not re.search(r"['’]s$", word):  # "NASA's Crew-11 mission" names the mission's owner
                agencies.add(_AGENCY_WORDS[bare])
        elif index > 0 and word[0].isupper() and not re.search(r"\d", word) and bare not in _NEUTRAL_PROPER | names:
            return None
    return agencies


def _roster_answer(query: Query, table: FactTable) -> TableAnswer | None:
    question = query.text
    missions = list(dict.fromkeys(query.missions))
    if not missions or (query.qtype != "people" and not _ROSTER_ASK.search(question)):
        return None
    if not _ROSTER_CUE.search(question) or _NOT_A_ROSTER.search(question):
        return None
    agencies = _asked_agencies(query)
    if agencies is None:
        return None
    excluded = list(query.people)
    cites = _Citations()
    sentences: list[str] = []
    listed: list[str] = []
    for mission in missions:
        members = []
        for name, facts in table.crew(mission).items():
            if any(same_person_across_articles(name, e) for e in excluded):
                continue
            agency = table.agency_of(name)
            if agencies and agency not in agencies:
                continue
            members.append((name, agency, facts))
        if not members:
            return None  # the table does not know this crew: let retrieval try
        parts = []
        for name, agency, facts in members:
            details = [d for d in (agency, "commander" if any(f.role == "commander" for f in facts) else None) if d]
            parts.append(f"{name} ({', '.join(details)})" if details else name)
            listed.append(name)
        markers = "".join(dict.fromkeys(cites.marker(facts[0]) for _, _, facts in members))
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        sentences.append(f"{mission_label(mission)}: {joined} {markers}.")
    return TableAnswer(" ".join(sentences), cites.facts, ", ".join(listed), kind="roster")


# -- posts -----------------------------------------------------------------------------------
def _role_answer(query: Query, table: FactTable) -> TableAnswer | None:
    question = query.text
    if query.qtype not in {"person", "people"} or query.missions:
        return None
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", question)]
    posts = {w.rstrip("s") if w.rstrip("s") in _POST_WORDS else w for w in words} & _POST_WORDS
    for verb, meant in _LEAD_VERBS.items():
        if verb in words or verb.rstrip("s") in words:
            posts |= meant
    if not posts:
        return None
    agency = agency_in(question)
    agency_words = {w for w in words if w in _AGENCY_WORDS or (agency and w == agency.lower())}
    qualifiers = {w for w in words if w not in _ROLE_FILLER and w not in posts and w not in agency_words}
    qualifiers -= {"heads", "leads", "lead", "head", "runs", "run"}
    holders: dict[str, list[Fact]] = {}
    for post in posts:
        for name, facts in table.holders({post}, agency, qualifiers).items():
            holders.setdefault(name, []).extend(facts)
    if not holders:
        return None
    cites = _Citations()
    ordered = sorted(holders.items(), key=lambda item: -max((f.published or date.min).toordinal() for f in item[1]))
    if len(ordered) == 1:
        name, facts = ordered[0]
        facts = list({(f.file, f.start): f for f in facts}.values())
        markers = "".join(dict.fromkeys(cites.marker(f) for f in facts))
        return TableAnswer(f"{name} ({facts[0].role}) {markers}.", cites.facts, name, kind="role")
    parts = []
    for name, facts in ordered:
        fact = max(facts, key=lambda f: f.published or date.min)
        parts.append(f"{name} is named {fact.role} in the {article_date_label(fact.published)} {cites.marker(fact)}")
    text = "The articles differ: " + "; ".join(parts) + "."
    return TableAnswer(text, cites.facts, ordered[0][0], kind="conflict")


# -- events ----------------------------------------------------------------------------------
def _asked_event(question: str) -> str | None:
    found = list(dict.fromkeys(name for name, pattern in _EVENT_WORDS if pattern.search(question)))
    return found[0] if len(found) == 1 else None


def _mission_date_answer(query: Query, table: FactTable) -> TableAnswer | None:
    question = query.text
    """ "When did Crew-11 launch?": the best-dated report of that mission's event, if the table has one."""
    missions = list(dict.fromkeys(query.missions))
    event = _asked_event(question)
    if len(missions) != 1 or event is None or query.qtype != "date":
        return None
    if re.search(r"\b(?:time|hour)\b", question, re.I):
        return None  # "at what time": the sentence's own wording answers that better
    groups = [g for g in table.events(event) if g.mission == missions[0] and g.best.day]
    if not groups:
        return None
    cites = _Citations()
    return TableAnswer(_event_sentence(groups[0], cites), cites.facts, when_text(groups[0].best), kind="date")


def _event_answer(query: Query, table: FactTable) -> TableAnswer | None:
    question = query.text
    if query.missions:
        return None  # about one mission: retrieval finds its sentences
    event = _asked_event(question)
    scope = query.scope
    listing = bool(_LISTING.search(question))
    if event is None or not (scope or listing):
        return None
    if not VOCABULARY.space_subject.search(question):
        # "Who launched missiles this week?" has an event word and a period, but its subject is
        # not something the table records: retrieval answers it, or says the articles do not.
        return None
    crewed: bool | None = None
    if re.search(r"\b(?:uncrewed|unmanned|cargo)\b", question, re.I):
        crewed = False
    elif re.search(r"\bcrewed\b|\bcrew\b|\bastronauts?\b", question, re.I):
        crewed = True
    groups = table.events(event, crewed, scope)
    note = None
    if scope is not None and _is_relative(scope):
        reference = "" if query.as_of else " (today: pass as_of to ask as of another day)"
        note = f"Read the question's time words as {scope.label}{reference}."
    if not groups:
        if scope is None or event is None:
            return None
        kind = f"{'crewed ' if crewed else ''}{event}"
        period = scope.label if _is_relative(scope) else f"in {scope.label}"
        return TableAnswer(f"The articles report no {kind} {period}.", kind="scope", abstained=True, note=note)
    cites = _Citations()
    sentences = [_event_sentence(group, cites) for group in groups]
    subjects = list(dict.fromkeys(_subject(g) for g in groups))
    kind = "scope" if scope else "timeline"
    return TableAnswer(" ".join(sentences), cites.facts, ", ".join(subjects), kind=kind, note=note)


def _is_relative(scope: DateRange) -> bool:
    return "(" in scope.label


def _subject(group: EventGroup) -> str:
    if group.mission:
        return mission_label(group.mission)
    vehicle = group.best.vehicle
    if vehicle:
        crewed = {True: "crewed ", False: "uncrewed ", None: ""}[group.crewed]
        return f"the {crewed}{vehicle}"
    return "a spacecraft"


_VERBS = {
    ("docking", "happened"): "docked with the ISS",
    ("docking", "expected"): "was expected to dock with the ISS",
    ("launch", "happened"): "launched",
    ("launch", "expected"): "was expected to launch",
    ("splashdown", "happened"): "splashed down",
    ("splashdown", "expected"): "was expected to splash down",
}


def _event_sentence(group: EventGroup, cites: _Citations) -> str:
    fact = group.best
    subject = _subject(group)
    verb = _VERBS[(group.event, fact.status or "happened")]
    when = when_text(fact)
    period = fact_period(fact)
    if when is None:
        when_part = " (the articles give no date)"
    elif period and period[0] != period[1]:
        when_part = f" in {when}"
    elif re.match(r"(?i)(this|last|next)\b", when):
        when_part = f" {when}"
    else:
        when_part = f" on {when}"
    time_part = f", at {fact.time}" if fact.time else ""
    return f"{subject[0].upper()}{subject[1:]} {verb}{when_part}{time_part} {cites.marker(fact)}."
