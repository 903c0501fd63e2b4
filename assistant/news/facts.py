"""Typed facts read from articles at ingest: who flew on which mission, who holds which post, and
which launches, dockings and splashdowns happened (or were expected) when.

Rules only, applied sentence by sentence; every fact keeps the sentence it came from, so an answer
built from the table cites exactly that sentence. A fact's sentence must name what the fact says:
a crew member's name and a crew word, an event verb and a date or a mission designator. The mission
of a sentence that names none is the one the article named last ("On board are ..." after a
paragraph about Crew-11).

Facts travel with the chunk whose text holds their sentence (``Chunk.facts``), so they are written,
replaced and deleted together with the article's chunks, in Chroma, embedded or server.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any

from assistant.domain import VOCABULARY
from assistant.text.dates import find_dates
from assistant.text.injection import looks_like_instruction
from assistant.text.missions import find_missions
from assistant.text.people import find_people
from assistant.text.periods import relative_range
from assistant.text.sentences import split_sentences
from assistant.types import Article, Chunk, Fact

FACTS_VERSION = 4  # bump when extraction changes: ingest re-extracts facts of unchanged files

_CREW_CUE = re.compile(
    r"\b(?:astronauts?|cosmonauts?|crew(?!-\d)(?:mates?|\s+members?)?|on\s+board|aboard|led\s+by|commander|pilot)\b",
    re.I,
)
_POSTS = (
    r"(?:administrator|secretary|ceo|founder|head|chief|manager|engineer|president|director|"
    r"spokes(?:person|man|woman)|minister|photographer)s?"
)
_OFFICIAL = re.compile(rf"\b{_POSTS}\b", re.I)
_EVENTS: list[tuple[str, re.Pattern[str]]] = [
    ("docking", re.compile(r"\b(?:docked|docks|dock(?:ing)?\s+(?:with|at|to)|docking\s+of|berthed)\b", re.I)),
    (
        "launch",
        re.compile(
            r"\b(?:launched|launches|lift(?:s|ed)?\s+off|liftoff|blast(?:s|ed)?(?:\s+off)?|launch\s+of)\b", re.I
        ),
    ),
    ("splashdown", re.compile(r"\b(?:splash(?:es|ed)?\s*down|splashdown|returned\s+to\s+Earth)\b", re.I)),
]
# ``entities.FUTURE_CUES`` without "next": "SpaceX started its next chapter, after ... docked" happened.
_FUTURE = re.compile(r"\b(?:will|expected|scheduled|set to|plans?|due|is to|are to)\b", re.I)
_ROLE_CHAIN = re.compile(rf"(?:(?:[A-Z][\w’'.&-]*|acting|deputy|former|chief|vice)\s+)*(?i:{_POSTS})\s*$")


def plain(text: str) -> str:
    """Markdown marks and link targets blanked out, offsets unchanged ("**[Bill Nelson](/x)**")."""
    text = re.sub(r"\]\([^)\s]*\)", lambda m: " " * len(m.group(0)), text)
    return re.sub(r"[*_\[\]#`]", " ", text)


def agency_in(text: str) -> str | None:
    """The agency named closest to the end of ``text``."""
    best: tuple[int, str] | None = None
    for agency in VOCABULARY.agencies:
        name, pattern = agency.name, agency.pattern
        for match in pattern.finditer(text):
            if best is None or match.end() > best[0]:
                best = (match.end(), name)
    return best[1] if best else None


def _vehicle(text: str) -> str | None:
    """The spacecraft the sentence names, else its rocket ("Falcon Nine" written "Falcon 9")."""
    match = VOCABULARY.spacecraft.search(text) or VOCABULARY.rockets.search(text)
    if not match:
        return None
    return re.sub(r"\s+", " ", match.group(0)).replace("Falcon Nine", "Falcon 9")


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------
def extract_facts(article: Article) -> list[Fact]:
    """Crew, role and event facts of one article, in text order."""
    facts: list[Fact] = []
    current_mission: str | None = None
    uncrewed_article = bool(VOCABULARY.uncrewed.search(article.text))
    for sentence in split_sentences(article.text, article.body_start):
        if looks_like_instruction(sentence.text):
            continue  # text addressed to an AI is never evidence, nor a fact
        text = plain(sentence.text)
        named_missions = find_missions(text)
        mission = named_missions[0] if named_missions else current_mission
        base = Fact(
            kind="",
            file=article.file,
            start=sentence.start,
            end=sentence.end,
            quote=sentence.text,
            published=article.published,
        )
        # The recogniser runs only where a fact could come out (a post, or a crew cue of a
        # mission): that keeps spaCy's cost at ingest to a small share of the sentences.
        could_name = _OFFICIAL.search(text) or (mission and _CREW_CUE.search(text))
        people = find_people(text) if could_name else []
        facts.extend(_role_facts(base, text, people))
        if mission and people and _CREW_CUE.search(text):
            facts.extend(_crew_facts(base, text, people, mission))
        event = _event_fact(base, text, named_missions, mission, uncrewed_article)
        if event:
            facts.append(event)
        if named_missions:
            current_mission = named_missions[-1]
    return facts


def _is_official(text: str, start: int, end: int) -> bool:
    """A name with a post beside it ("head of Roscosmos", "SpaceX CEO") is not a crew member."""
    before = text[max(0, start - 40) : start]
    after = text[end : end + 40]
    return bool(
        re.search(rf"\b{_POSTS}[\s,]*$", before, re.I)
        or re.match(r"\s*,\s*(?:the\s+|an?\s+)?[\w\s’'.-]{0,30}?\b" + _POSTS, after, re.I)
        or re.match(r"\s*(?:said|says)\b", after)
    )


def _crew_facts(base: Fact, text: str, people: list[Any], mission: str) -> list[Fact]:
    out: list[Fact] = []
    previous_end = 0
    previous: Fact | None = None
    for index, person in enumerate(people):
        if _is_official(text, person.start, person.end):
            previous_end, previous = person.end, None
            continue
        before = text[previous_end : person.start]
        following = people[index + 1].start if index + 1 < len(people) else len(text)
        after = text[person.end : following]
        agency = agency_in(before)
        trailing = re.match(r"\s*(?:\(|,\s*)?(?:from|of|with)\s+(?:the\s+)?([^,;.]*)", after)
        if agency is None and trailing:
            agency = agency_in(trailing.group(1))
        if agency is None and previous is not None and re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", before):
            agency = previous.agency  # "NASA astronauts Zena Cardman and Mike Fincke"
        role = "commander" if re.search(r"\b(?:led\s+by|commander)\b", before, re.I) else None
        fact = replace(base, kind="crew", mission=mission, person=person.text, role=role, agency=agency)
        out.append(fact)
        previous_end, previous = person.end, fact
    return out


def _role_facts(base: Fact, text: str, people: list[Any]) -> list[Fact]:
    """Posts written beside a name: "Kirk Shireman, the manager of the ISS program", "SpaceX CEO Elon Musk"."""
    out: list[Fact] = []
    previous_end = 0
    for person in people:
        roles: list[str] = []
        after = re.match(
            r"\s*,\s*(?:the\s+|an?\s+)?(?P<role>[^,.;:\"“”(]{2,70}?)\s*(?=[,.;:\"“”(]|\s+said\b|$)", text[person.end :]
        )
        if after and _OFFICIAL.search(after.group("role")):
            roles.append(after.group("role"))
        window = text[max(previous_end, person.start - 90) : person.start]
        parts = [p for p in window.split(",") if p.strip()]
        for part in reversed(parts):
            chain = _ROLE_CHAIN.search(part.rstrip())
            if not chain or not _OFFICIAL.search(chain.group(0)):
                break
            found = chain.group(0).strip()
            found = re.sub(r"^(?:the)\s+", "", found, flags=re.I)
            if found:
                roles.append(found)
            if part.strip() != chain.group(0).strip():
                break  # words before the post ("met with NASA's acting administrator"): a new clause
        for role in dict.fromkeys(" ".join(r.split()) for r in roles):
            out.append(replace(base, kind="role", person=person.text, role=role, agency=agency_in(role)))
        previous_end = person.end
    return out


def _event_fact(
    base: Fact, text: str, named_missions: list[str], mission: str | None, uncrewed_article: bool
) -> Fact | None:
    hits = [(m.start(), name) for name, pattern in _EVENTS for m in [pattern.search(text)] if m]
    if not hits:
        return None
    dates = [d for d in find_dates(text, base.published) if d.kind in {"date", "weekday", "relative", "month", "year"}]
    dates = [d for d in dates if not (d.kind == "year" and re.match(r"\s*-", text[d.end :]))]
    if not dates and not named_missions:
        return None  # "the launch follows a meeting": no date and no mission, nothing to record
    order = {"date": 0, "weekday": 1, "relative": 2, "month": 3, "year": 4}
    when = min(dates, key=lambda d: (order[d.kind], d.start)) if dates else None
    anchor = when.start if when else 0
    verb_at, event = min(hits, key=lambda h: abs(h[0] - anchor))
    day: date | None = None
    if when is not None:
        if when.kind in {"date", "weekday"} and when.iso():
            day = date.fromisoformat(when.iso() or "")
        elif when.kind == "relative" and base.published:
            span = relative_range(when.text, base.published, text[max(0, when.start - 60) : when.start])
            day = span[0] if span and span[0] == span[1] else None
    times = [d for d in find_dates(text) if d.kind == "time"]
    crewed: bool | None = None
    event_mission = named_missions[0] if named_missions else mission
    if event_mission and VOCABULARY.crewed_mission.match(event_mission):
        crewed = True
    elif VOCABULARY.uncrewed.search(text) or (uncrewed_article and not named_missions):
        crewed = False
    return replace(
        base,
        kind="event",
        event=event,
        mission=event_mission if (named_missions or when) else None,
        status="expected" if _FUTURE.search(text[:verb_at]) else "happened",
        day=day,
        day_wording=" ".join(when.text.split()) if when else None,
        time=" ".join(times[0].text.split()) if times else None,
        vehicle=_vehicle(text),
        crewed=crewed,
    )


def attach_facts(article: Article, chunks: list[Chunk]) -> list[Chunk]:
    """The chunks with each fact stored on the first chunk that holds its whole sentence."""
    by_chunk: dict[str, list[Fact]] = {c.id: [] for c in chunks}
    for fact in extract_facts(article):
        holder = next((c for c in chunks if c.start <= fact.start and fact.end <= c.end), None)
        holder = holder or next((c for c in chunks if c.start <= fact.start < c.end), None)
        if holder is not None:
            by_chunk[holder.id].append(replace(fact, chunk_id=holder.id))
    return [replace(c, facts=tuple(by_chunk[c.id])) for c in chunks]


__all__ = ["FACTS_VERSION", "agency_in", "attach_facts", "extract_facts"]
