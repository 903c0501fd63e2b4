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

With ``partial`` (an LLM's draft), a sentence is not lost for one bad claim: a claim the cited
sentences do not hold is cut out where the rest still reads (``answer/trim.py``) and recorded in
``left_out``; a sentence whose claims all sit in another shown sentence than the one cited cites
that one; and a sentence that says the articles do not answer is no answer (``answer/abstention.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.answer.abstention import sentence_says_not_covered
from assistant.answer.claims import claim_mentions, extract_claims, mention_supported, unsupported_claims
from assistant.answer.trim import cut_mentions
from assistant.text.injection import looks_like_instruction, mask_instructions
from assistant.text.missions import find_missions
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


@dataclass(frozen=True)
class LeftOut:
    """A claim cut out of a kept sentence, and why."""

    text: str
    reason: str


@dataclass
class Grounder:
    """Checks draft sentences against the passages and renumbers their citations."""

    passages: list[Passage]
    question_missions: set[str] = field(default_factory=set)
    partial: bool = False  # an LLM's draft: cut unsupported claims out, re-cite misplaced ones
    kept: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    recited: int = 0  # sentences that cited a sentence not holding their claims and now cite one that does
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
        cited = list(dict.fromkeys(int(n) for n in _MARKER.findall(sentence) if int(n) in by_n))
        bare = _MARKER.sub("", sentence).strip()
        bare = re.sub(r"\s+([.,;:!?])", r"\1", bare)
        if not bare or not re.search(r"[A-Za-z0-9]", bare):
            return None
        if self.partial and sentence_says_not_covered(bare):
            self.dropped.append(bare)
            return None
        supporting = self._supporting(bare, cited)
        if not supporting and self.partial:
            bare, supporting = self._salvage(bare, cited)
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

    def _supporting(self, bare: str, cited: list[int]) -> list[int]:
        """The passages that back every claim of ``bare``: among ``cited``, or any one when none is cited."""
        by_n = self.by_n
        claims = extract_claims(bare)
        candidates = cited or [p.n for p in self.passages]
        if claims.empty:
            scored = sorted(((_overlap(bare, evidence_text(by_n[n].chunk.text)), n) for n in candidates), reverse=True)
            if scored and scored[0][0] >= 0.5:
                return [n for score, n in scored if score >= 0.5][: max(1, len(cited))]
            return []
        # Every claim must be found in the cited passages taken together.
        supporting = []
        for n in candidates:
            if not unsupported_claims(claims, evidence_text(by_n[n].chunk.text), by_n[n].chunk.published):
                supporting.append(n)
                if not cited:
                    break
        if not supporting and cited:
            joined = " ".join(evidence_text(by_n[n].chunk.text) for n in cited)
            if not unsupported_claims(claims, joined, by_n[cited[0]].chunk.published):
                supporting = cited
        return supporting

    def _salvage(self, bare: str, cited: list[int]) -> tuple[str, list[int]]:
        """An LLM sentence the check above refused: cite the shown sentence that does hold its claims,
        or cut out the claims that no cited sentence holds. Returns the sentence and its support."""
        if cited:
            elsewhere = self._supporting(bare, [])
            if elsewhere:
                self.recited += 1
                return bare, elsewhere
        mentions = claim_mentions(bare)
        candidates = [self.by_n[n] for n in cited] or self.passages
        unheld = [
            m
            for m in mentions
            if not any(mention_supported(m, evidence_text(p.chunk.text), p.chunk.published) for p in candidates)
        ]
        if not unheld or len(unheld) == len(mentions):
            return bare, []
        trimmed = cut_mentions(bare, unheld, mentions)
        if not trimmed:
            return bare, []
        supporting = self._supporting(trimmed, cited) or (self._supporting(trimmed, []) if cited else [])
        if not supporting:
            return bare, []
        reason = "not in the sentences it cites" if cited else "not in any retrieved sentence"
        self.left_out.extend(LeftOut(m.text, reason) for m in unheld)
        return trimmed, supporting

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

    @property
    def claims_text(self) -> str:
        """The kept text without its markers: what it claims ("[1]" is no number)."""
        return without_markers(self.text)


def without_markers(text: str) -> str:
    return re.sub(r"\s*\[\d+\]", "", text)


def _place_markers(sentence: str, markers: str) -> str:
    """Put markers before the closing punctuation: "Jessica Meir [1]."."""
    match = re.search(r"([.!?…]+[\"'”’)]*)$", sentence)
    if match:
        return f"{sentence[: match.start()]} {markers}{match.group(1)}"
    return f"{sentence} {markers}"
