"""Does an LLM's answer name something other than what its sentences support, and does anything vouch for it?

Two conflict checks, after grounding:
- **Named and dropped.** The draft named an answer of the asked-for kind (a person, a date, a number)
  that grounding could not keep, while the sentences it cites hold another of that kind: "Bill Smith
  leads Crew-12 [1]" where [1] says Jessica Meir leads it.
- **Read otherwise.** Grounding checks words, not roles: "Mike Fincke" is in the sentence that says
  Zena Cardman commands the mission. The trained span reader (``answer/reading.py``) reads the question
  over the sentences the answer cites; when it is confident of a different person there, the answer
  is in conflict with its own evidence. Only person questions: the reader writes dates and numbers
  otherwise than a model does ("Saturday" for "August 2"), and cannot read a roster.

And one check that the answer is vouched for (``vouched``): a model that reads fluently also answers
fluently when the articles do not say, so its answer stands only where the extractive stage, reading the
same retrieved passages, reaches it too: the rules give the same answer or quote a sentence that holds it,
or the span reader reads it there with some confidence.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.answer.extractive import ExtractiveGenerator, in_scope_first
from assistant.answer.grounding import Grounder, without_markers
from assistant.answer.reader import SpanReader
from assistant.answer.reading import read_ranking
from assistant.answer.same_answer import answer_key, same_answer
from assistant.query.answer_types import typed_candidates
from assistant.query.query import Query
from assistant.retrieval.evidence import score_sentences
from assistant.text.people import same_person
from assistant.types import Passage

# Not yet tuned (the Qwen runs of issue 30 are to choose them on the tuning halves): the reader must
# give its answer at least this log-odds, and lead the next different answer it reads by this much.
READER_CONFIDENT = 4.0
READER_LEAD = 3.0
READER_CHECKS = frozenset({"person"})

# Chosen on the Qwen tuning halves (docs/experiments.md, 2026-12-08): the reader vouches for an answer it reads
# at this log-odds or more. On the dev tuning half the check took Qwen from 48 right / 39 wrong to 32 / 8, and on
# the project gold tuning half from 49 / 1 to 45 / 0 (best summed score with at most 10% wrong on each).
READER_VOUCHES = 2.0
# Rosters are left alone: the reader points at one name and the rules list the whole crew.
VOUCHED_TYPES = frozenset({"text", "person", "date", "number"})


@dataclass(frozen=True)
class Vouching:
    vouched: bool
    reader_score: float  # the reader's best score for the answer (-inf when it never read it)
    rules_answer: str | None  # what the rules answered (None: a sentence, or nothing)


def vouched(
    query: Query, answer: str, passages: list[Passage], extractive: ExtractiveGenerator, reader: SpanReader | None
) -> Vouching:
    """Whether the extractive stage reaches ``answer`` over ``passages`` (the retrieved chunks): the rules
    give it or quote a sentence that holds it, or the reader reads it at ``READER_VOUCHES`` or more."""
    ranking = in_scope_first(query, score_sentences(query, passages))
    if not ranking.sentences:
        return Vouching(False, float("-inf"), None)
    rules, cited = extractive.rules_answer(query, ranking)
    if not rules.abstained:
        if rules.short_answer and same_for_query(query, rules.short_answer, answer):
            return Vouching(True, float("-inf"), rules.short_answer)
        if cited is not None and answer.casefold() in cited.text.casefold():
            return Vouching(True, float("-inf"), None)
    score = read_ranking(reader, query.text, ranking).support(answer) if reader is not None else float("-inf")
    return Vouching(score >= READER_VOUCHES, score, None if rules.abstained else rules.short_answer)


@dataclass(frozen=True)
class Conflict:
    named: str  # what the draft answered
    supported: str  # what its sentences support instead
    by_reader: bool  # found by the span reader (else: the draft's answer was dropped by grounding)

    def note(self, model: str) -> str:
        how = "the span reader reads" if self.by_reader else "they name"
        return (
            f'The {model} model answered "{self.named}", which the sentences it cites do not support '
            f'({how} "{self.supported}"); not answering.'
        )


def find_conflict(
    query: Query, draft_text: str, cited: list[Passage], grounder: Grounder, reader: SpanReader | None
) -> Conflict | None:
    """The conflict between a grounded draft and ``cited`` (the sentences it cites), if any."""
    if not cited or query.qtype not in {"person", "people", "date", "number"}:
        return None
    shown = typed_candidates(query, grounder.claims_text, None)
    if not shown:
        named = typed_candidates(query, without_markers(draft_text), None)
        theirs = [m for p in cited for m in typed_candidates(query, p.chunk.text, p.chunk.published)]
        if named and theirs and not any(same_for_query(query, n[0], t[0]) for n in named for t in theirs):
            return Conflict(named[0][0], theirs[0][0], by_reader=False)
        return None
    if reader is None or query.qtype not in READER_CHECKS:
        return None
    reading = read_ranking(reader, query.text, score_sentences(query, cited), count=len(cited))
    best = reading.best
    if best is None or best.score < READER_CONFIDENT or reading.gap < READER_LEAD:
        return None
    # The reader's span must be a name of the asked-for kind where it stands (a bare name out of its
    # sentence is too little for the recogniser).
    there = [m for m, _, _ in typed_candidates(query, best.sentence.text, best.sentence.passage.chunk.published)]
    if not any(same_for_query(query, m, best.text) for m in there) or any(
        same_for_query(query, s[0], best.text) for s in shown
    ):
        return None
    return Conflict(shown[0][0], best.text, by_reader=True)


def same_for_query(query: Query, a: str, b: str) -> bool:
    if query.qtype in {"person", "people"} and same_person(a, b):
        return True
    return same_answer(answer_key(a), answer_key(b))
