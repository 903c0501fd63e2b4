"""Reading the retrieved sentences with the span reader, and deciding between its answer and the rules'.

The reader reads a window around each of the best-ranked sentences (the sentence with its neighbours in
the same chunk). Its spans are grouped into distinct answers ("Falcon 9" and "SpaceX Falcon 9" are one),
each cited by the sentence that holds it. ``decide`` then weighs the reader against the rules' draft
with thresholds chosen on the tuning halves (``eval/reader/tune.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.answer.reader import SpanReader
from assistant.answer.same_answer import answer_key, same_answer
from assistant.retrieval.evidence import ScoredSentence, SentenceRanking
from assistant.text.dates import describe_date, find_dates

WINDOWS = 12  # best-ranked sentences read, each with its neighbours
WINDOW_WORDS = 90  # as in training: the question and the window fit 160 word pieces


@dataclass(frozen=True)
class ReadAnswer:
    text: str
    sentence: ScoredSentence  # the sentence that holds the best span of this answer
    score: float  # the best span's log-odds against "no answer in this window"
    windows: int  # how many windows gave this answer


@dataclass(frozen=True)
class Reading:
    answers: list[ReadAnswer]  # distinct answers, best first

    @property
    def best(self) -> ReadAnswer | None:
        return self.answers[0] if self.answers else None

    @property
    def gap(self) -> float:
        """How far the best answer is ahead of the best different one (inf when there is none)."""
        if len(self.answers) < 2:
            return float("inf")
        return self.answers[0].score - self.answers[1].score

    def support(self, answer: str) -> float:
        """The reader's best score for ``answer`` (-inf when it never proposed it)."""
        key = answer_key(answer)
        return max((a.score for a in self.answers if same_answer(answer_key(a.text), key)), default=float("-inf"))

    def support_in(self, sentence_text: str) -> float:
        """The reader's best score for any answer inside ``sentence_text``."""
        return max((a.score for a in self.answers if a.sentence.text == sentence_text), default=float("-inf"))


def _windows(ranking: SentenceRanking, count: int) -> list[list[ScoredSentence]]:
    """Each of the ``count`` best sentences with the sentences before and after it in its chunk."""
    by_chunk: dict[str, list[ScoredSentence]] = {}
    for sentence in ranking.sentences:
        by_chunk.setdefault(sentence.passage.chunk.id, []).append(sentence)
    for sentences in by_chunk.values():
        sentences.sort(key=lambda s: s.start)
    windows = []
    for sentence in ranking.sentences[:count]:
        siblings = by_chunk[sentence.passage.chunk.id]
        at = siblings.index(sentence)
        window = [sentence]
        for neighbour in (siblings[at - 1] if at else None, siblings[at + 1] if at + 1 < len(siblings) else None):
            if neighbour is None:
                continue
            words = sum(len(s.text.split()) for s in window) + len(neighbour.text.split())
            if words <= WINDOW_WORDS:
                window.append(neighbour)
        windows.append(sorted(window, key=lambda s: s.start))
    return windows


def _clean(span: str) -> str:
    return " ".join(span.split()).strip(" ,;:.\"'“”‘’()")


def read_ranking(reader: SpanReader, question: str, ranking: SentenceRanking, count: int = WINDOWS) -> Reading:
    windows = _windows(ranking, count)
    texts = [" ".join(s.text for s in window) for window in windows]
    found: list[ReadAnswer] = []
    for span in reader.read(question, texts):
        text = _clean(span.text)
        if not text:
            continue
        # The sentence of the window where the span starts is the one to cite.
        offset, holder = 0, windows[span.window][0]
        for sentence in windows[span.window]:
            if span.start >= offset:
                holder = sentence
            offset += len(sentence.text) + 1
        key = answer_key(text)
        same = next((a for a in found if same_answer(answer_key(a.text), key)), None)
        if same is None:
            found.append(ReadAnswer(text, holder, span.score, 1))
        else:
            found[found.index(same)] = ReadAnswer(same.text, same.sentence, same.score, same.windows + 1)
    return Reading(sorted(found, key=lambda a: -a.score))


@dataclass(frozen=True)
class ReaderPolicy:
    """When the reader answers, confirms the rules, or abstains. Chosen on the tuning halves only."""

    answer_at: float  # the reader answers on its own from this log-odds up ...
    margin: float  # ... when no different answer is within this much of it
    confirm_at: float  # a rules answer stands when the reader gives it at least this score
    keep_unconfirmed: bool  # a rules answer the reader does not confirm stands anyway
    overrule: bool = True  # the reader may replace a rules answer it does not confirm (else only fill abstentions)

    @property
    def judges_rules_answers(self) -> bool:
        """False when a rules answer always stands, so there is no need to read when the rules answered."""
        return self.confirm_at != float("inf") or not self.keep_unconfirmed or self.overrule


Choice = Literal["rules", "reader", "abstain"]


def decide(rules_answer: str | None, rules_sentence: str | None, reading: Reading, policy: ReaderPolicy) -> Choice:
    """``rules_answer`` is the rules' short answer (None for a sentence answer or an abstention);
    ``rules_sentence`` the sentence it cites (None when the rules abstained)."""
    best = reading.best
    if rules_sentence is not None:
        # The rules quote a whole sentence; the reader's best span inside it is the crisper answer.
        inside = rules_answer is None and best is not None and best.sentence.text == rules_sentence
        if inside and best is not None and best.score >= policy.confirm_at:
            return "reader"
        confirmed = (
            reading.support(rules_answer) if rules_answer else reading.support_in(rules_sentence)
        ) >= policy.confirm_at
        if confirmed:
            return "rules"
    may_answer = rules_sentence is None or policy.overrule
    if may_answer and best is not None and best.score >= policy.answer_at and reading.gap >= policy.margin:
        return "reader"
    if rules_sentence is not None and policy.keep_unconfirmed:
        return "rules"
    return "abstain"


def dated(answer: ReadAnswer) -> str:
    """A weekday answer with the date it means by its article's date ("Thursday (March 3, 2022, ...)")."""
    for mention in find_dates(answer.sentence.text, answer.sentence.passage.chunk.published):
        if re.fullmatch(re.escape(mention.text), answer.text, re.I):
            return describe_date(mention)
    return answer.text


# Chosen by eval/reader/tune.py on the tuning halves (best summed score with at most 10% wrong on each set, the
# rules alone among the candidates): rules answers stand, and the reader fills the rules' abstentions when its
# best span scores 4+ and leads the next different answer by 3+. Dev tuning half 26 / 10 / 66 (rules alone
# 19 / 9 / 74); project gold tuning half 50 / 1 / 4 (rules 48 / 0 / 7). A reader that may also withdraw rules
# answers (confirm_at -4, the first round's choice) scores lower there once an abstention on an unanswerable
# question counts as right: 27 / 9 / 66 and 46 / 1 / 8.
DEFAULT_POLICY = ReaderPolicy(answer_at=4.0, margin=3.0, confirm_at=float("inf"), keep_unconfirmed=True, overrule=False)
