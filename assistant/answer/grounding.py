"""From a generator's draft to text whose every sentence is backed by a quoted source sentence.

Rules, applied to every sentence of the draft:
- a marker ``[n]`` that points at no retrieved passage is removed;
- each name, number, date and mission designator in the sentence must occur in a passage it cites
  (or, if it cites none, in some retrieved passage, which it then cites); otherwise the sentence
  is dropped;
- a sentence with none of those must share at least half its content words with a passage;
- the citation quotes the single sentence of the passage that carries most of the claim.

Markers are renumbered ``[1]..[m]`` in order of first use, so the answer text and the citation list
agree whatever numbering the generator used. The ``Grounder`` is incremental: streaming feeds it one
sentence at a time and gets exactly what ``ask`` would show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from assistant.text.dates import find_dates
from assistant.text.injection import looks_like_instruction, mask_instructions
from assistant.text.missions import find_missions
from assistant.text.numbers import find_numbers
from assistant.text.people import find_people
from assistant.text.sentences import split_sentences
from assistant.text.terms import content_terms
from assistant.types import Citation, Passage

_MARKER = re.compile(r"\[(\d+)\]")
_MARKER_VARIANTS = [
    (re.compile(r"\[(?:source|passage|doc(?:ument)?|ref)\s*#?\s*(\d+)\]", re.I), r"[\1]"),
    (re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)+)\]"), None),  # "[1, 2]" -> "[1][2]"
]


def normalise_markers(text: str) -> str:
    text = _MARKER_VARIANTS[0][0].sub(r"[\1]", text)
    return _MARKER_VARIANTS[1][0].sub(lambda m: "".join(f"[{n}]" for n in re.findall(r"\d+", m.group(1))), text)


@dataclass(frozen=True)
class Claims:
    people: list[str]
    numbers: list[float]
    dates: list[tuple[int | None, int | None, int | None, str]]
    missions: list[str]

    @property
    def empty(self) -> bool:
        return not (self.people or self.numbers or self.dates or self.missions)


def extract_claims(sentence: str) -> Claims:
    date_mentions = [d for d in find_dates(sentence) if d.kind != "relative"]
    date_spans = [(d.start, d.end) for d in date_mentions]
    numbers = [
        n.value for n in find_numbers(sentence) if not any(s <= n.start < e for s, e in date_spans) and not n.ordinal
    ]
    return Claims(
        people=[p.surname.lower() for p in find_people(sentence)],
        numbers=numbers,
        dates=[(d.year, d.month, d.day, d.text.lower()) for d in date_mentions],
        missions=find_missions(sentence),
    )


def _date_supported(
    claim: tuple[int | None, int | None, int | None, str], passage_text: str, published: date | None
) -> bool:
    year, month, day, raw = claim
    lowered = passage_text.lower()
    for mention in find_dates(passage_text, published):
        if mention.kind == "time" or (year is None and month is None):
            if raw.replace(" ", "") in mention.text.lower().replace(" ", ""):
                return True
            continue
        if month is not None and mention.month != month:
            continue
        if day is not None and mention.day != day:
            continue
        if year is not None and mention.year not in (None, year) and mention.kind != "weekday":
            continue
        if year is not None and month is None and mention.year != year:
            continue
        return True
    return raw in lowered


def unsupported_claims(claims: Claims, passage_text: str, published: date | None = None) -> list[str]:
    """The claims of a sentence that the passage does not contain (weekdays read against ``published``)."""
    lowered = passage_text.lower()
    missing = [p for p in claims.people if not re.search(rf"\b{re.escape(p)}\b", lowered)]
    values = {n.value for n in find_numbers(passage_text)}
    missing += [str(v) for v in claims.numbers if v not in values]
    missing += [d[3] for d in claims.dates if not _date_supported(d, passage_text, published)]
    passage_missions = set(find_missions(passage_text))
    missing += [m for m in claims.missions if m not in passage_missions]
    return missing


def _overlap(sentence: str, passage_text: str) -> float:
    terms = set(content_terms(sentence))
    if not terms:
        return 0.0
    return len(terms & set(content_terms(passage_text))) / len(terms)


@lru_cache(maxsize=4096)
def evidence_text(chunk_text: str) -> str:
    """The chunk with sentences addressed to an AI blanked out: they support no claim."""
    spans = [(s.start, s.end) for s in split_sentences(chunk_text) if looks_like_instruction(s.text)]
    return mask_instructions(chunk_text, spans)


def best_quote(claim_sentence: str, passage: Passage) -> tuple[str, int, int]:
    """The passage sentence that supports the claim best, with offsets in the source file."""
    claims = extract_claims(claim_sentence)
    best: tuple[float, str, int, int] | None = None
    for sentence in split_sentences(passage.chunk.text):
        if looks_like_instruction(sentence.text):
            continue
        unsupported = unsupported_claims(claims, sentence.text, passage.chunk.published)
        covered = -len(unsupported) if not claims.empty else 0
        score = covered * 10 + _overlap(claim_sentence, sentence.text)
        if best is None or score > best[0]:
            best = (score, sentence.text, sentence.start, sentence.end)
    if best is None:
        return passage.chunk.text, passage.chunk.start, passage.chunk.end
    return best[1], passage.chunk.start + best[2], passage.chunk.start + best[3]


@dataclass
class Grounder:
    """Checks draft sentences against the passages and renumbers their citations."""

    passages: list[Passage]
    question_missions: set[str] = field(default_factory=set)
    kept: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    _number_of: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def by_n(self) -> dict[int, Passage]:
        return {p.n: p for p in self.passages}

    def add_text(self, text: str) -> list[str]:
        """Ground every sentence of ``text``; returns the sentences kept, as shown to the user."""
        shown = []
        for sentence in split_sentences(normalise_markers(text)):
            grounded = self.add_sentence(sentence.text)
            if grounded:
                shown.append(grounded)
        return shown

    def add_sentence(self, sentence: str) -> str | None:
        by_n = self.by_n
        cited = [int(n) for n in _MARKER.findall(sentence) if int(n) in by_n]
        bare = _MARKER.sub("", sentence).strip()
        bare = re.sub(r"\s+([.,;:!?])", r"\1", bare)
        if not bare or not re.search(r"[A-Za-z0-9]", bare):
            return None
        claims = extract_claims(bare)
        supporting: list[int] = []
        candidates = list(dict.fromkeys(cited)) or [p.n for p in self.passages]
        if not claims.empty:
            # Every claim must be found in the cited passages taken together.
            for n in candidates:
                if not unsupported_claims(claims, evidence_text(by_n[n].chunk.text), by_n[n].chunk.published):
                    supporting.append(n)
                    if not cited:
                        break
            if not supporting and cited:
                joined = " ".join(evidence_text(by_n[n].chunk.text) for n in cited)
                if not unsupported_claims(claims, joined, by_n[cited[0]].chunk.published):
                    supporting = cited
        else:
            scored = sorted(((_overlap(bare, evidence_text(by_n[n].chunk.text)), n) for n in candidates), reverse=True)
            if scored and scored[0][0] >= 0.5:
                supporting = [n for score, n in scored if score >= 0.5][: max(1, len(cited))]
        if supporting and self.question_missions:
            # A claim backed only by sentences about another mission does not answer a question
            # about this one ("Crew-12's roster" for "who flew on Crew-11").
            supporting = [n for n in supporting if self._about_asked_mission(bare, by_n[n])]
        if not supporting:
            self.dropped.append(bare)
            return None
        markers = "".join(f"[{self._cite(bare, by_n[n])}]" for n in supporting)
        shown = _place_markers(bare, markers)
        self.kept.append(shown)
        return shown

    def _about_asked_mission(self, claim: str, passage: Passage) -> bool:
        quote, _, _ = best_quote(claim, passage)
        named = set(find_missions(quote)) | set(find_missions(claim))
        return not named or bool(named & self.question_missions)

    def _cite(self, claim: str, passage: Passage) -> int:
        quote, start, end = best_quote(claim, passage)
        key = (passage.chunk.id, start)
        if key not in self._number_of:
            number = len(self.citations) + 1
            self._number_of[key] = number
            chunk = passage.chunk
            self.citations.append(
                Citation(number, chunk.file, chunk.id, start, end, quote, chunk.title, chunk.published)
            )
        return self._number_of[key]

    def label(self, index: int, label: str) -> None:
        """Add "(label)" before the markers of kept sentence ``index`` (an article's date, which
        is metadata, not a claim the passage text could support)."""
        self.kept[index] = re.sub(
            r"((?:\s*\[\d+\])+)([.!?…]*)$", lambda m: f" ({label}){m.group(1)}{m.group(2)}", self.kept[index], count=1
        )

    @property
    def text(self) -> str:
        return " ".join(self.kept)


def _place_markers(sentence: str, markers: str) -> str:
    """Put markers before the closing punctuation: "Jessica Meir [1]."."""
    match = re.search(r"([.!?…]+[\"'”’)]*)$", sentence)
    if match:
        return f"{sentence[: match.start()]} {markers}{match.group(1)}"
    return f"{sentence} {markers}"
