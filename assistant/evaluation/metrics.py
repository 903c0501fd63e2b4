"""Answer correctness by gold type, with the normalisations a user would accept.

- person: the gold name or an alias appears as whole words (accents and case ignored);
- people: names found in the answer matched to gold names by surname or alias -> precision,
  recall, F1; correct when F1 >= ``PEOPLE_F1_CORRECT``;
- date: "Feb. 14, 2026", "February 14" (no year given) and "2026-02-14" all equal 2026-02-14;
  a different day, month or stated year does not;
- number: "a dozen" = 12, "400 pounds" = 400, "sixth" = 6;
- text: normalised containment of the answer or an alias (token F1 reported beside it);
- unanswerable: correct only if the system abstained and cited nothing.
- distractors: an answer that names one of the question's wrong choices is wrong, even if it
  also names the gold answer (the gold answer's own words are masked first).
An answerable question the system abstained on is not correct; ``outcome`` tells it apart from a
wrong answer (correct / wrong / abstained).

The readings of names, dates and numbers come from ``evaluation.readings``, not from the entity
finders that produce the answers, so a finder's blind spot cannot also hide its misses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.evaluation.gold import GoldQuestion
from assistant.evaluation.readings import date_values, name_runs, number_values, same_person

PEOPLE_F1_CORRECT = 0.8


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"[’‘‛`´]", "'", text).replace("**", "")
    # "60%" is "60 percent": a distractor "20%" must not fire on "20 years".
    text = re.sub(r"\s*%", " percent ", text).replace("per cent", "percent")
    text = re.sub(r"[^a-z0-9.:' ]+", " ", text)
    text = re.sub(r"(?<!\d)[.:](?!\d)", " ", text)
    text = re.sub(r"'s\b", "", text)
    text = re.sub(r"(?<![a-z0-9])'|'(?![a-z0-9])", " ", text)  # quote marks, not apostrophes
    return " ".join(text.split())


def contains_phrase(haystack: str, needle: str) -> bool:
    n = normalise(needle)
    return bool(n) and re.search(rf"(?<![a-z0-9]){re.escape(n)}(?![a-z0-9])", normalise(haystack)) is not None


def token_f1(prediction: str, gold: str) -> float:
    p, g = normalise(prediction).split(), normalise(gold).split()
    if not p or not g:
        return 0.0
    common = sum(min(p.count(t), g.count(t)) for t in set(g))
    if common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def person_matches(text: str, name: str, aliases: list[str]) -> bool:
    return any(contains_phrase(text, candidate) for candidate in [name, *aliases])


MAX_NAMES_IN_PERSON_ANSWER = 2


def person_answer_matches(text: str, name: str, aliases: list[str]) -> bool:
    """The gold person is named, is the first person the answer names, and the answer does not
    hedge by listing a whole roster (more than ``MAX_NAMES_IN_PERSON_ANSWER`` people)."""
    if not person_matches(text, name, aliases):
        return False
    named = name_runs(text, outside_brackets=True)
    if not named:
        return True  # named only by surname or alias ("Meir")
    first_ok = same_person(named[0], name) or any(same_person(named[0], a) for a in aliases)
    return first_ok and len(named) <= MAX_NAMES_IN_PERSON_ANSWER


def people_scores(text: str, gold_names: list[str], aliases: list[str]) -> tuple[float, float, float]:
    """(precision, recall, F1) of the names in ``text`` against the gold roster."""
    found_gold = [g for g in gold_names if person_matches(text, g, [a for a in aliases if same_person(a, g)])]
    found_gold += [g for g in gold_names if g not in found_gold and contains_phrase(text, g.split()[-1])]
    predicted = name_runs(text)
    predicted = list(dict.fromkeys(predicted))
    correct_predicted = [p for p in predicted if any(same_person(p, g) for g in gold_names)]
    recall = len(found_gold) / len(gold_names)
    precision = len(correct_predicted) / len(predicted) if predicted else (1.0 if found_gold else 0.0)
    f1 = 0.0 if precision + recall == 0 else round(2 * precision * recall / (precision + recall), 6)
    return precision, recall, f1


def date_matches(text: str, iso: str) -> bool:
    """The gold day is written in the text: ISO, or a date whose day and month agree and whose
    year, when written, agrees too."""
    if iso in text:
        return True
    year, month, day = (int(part) for part in iso.split("-"))
    return any(m == month and d == day and y in (None, year) for y, m, d in date_values(text))


def number_matches(text: str, value: float) -> bool:
    return any(abs(n - float(value)) < 1e-9 * max(1.0, abs(float(value))) for n in number_values(text))


def names_distractor(gold: GoldQuestion, text: str) -> str | None:
    """The first distractor the text names once the gold answer's own words are masked, if any."""
    masked = normalise(text)
    for answer in sorted(gold.answer_strings(), key=len, reverse=True):
        phrase = normalise(answer)
        if phrase:
            masked = re.sub(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", " ", masked)
    answers = [normalise(a) for a in gold.answer_strings()]
    for distractor in gold.distractors:
        phrase = normalise(distractor)
        if not phrase or any(re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", a) for a in answers):
            continue  # a distractor inside the gold answer itself ("New York" in "New York City")
        if re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", masked):
            return distractor
    return None


@dataclass(frozen=True)
class AnswerScore:
    correct: bool
    outcome: str = ""  # "correct", "wrong" or "abstained"
    f1: float | None = None  # people / text
    precision: float | None = None
    recall: float | None = None


def answer_contains(gold: GoldQuestion, text: str) -> bool:
    """Does ``text`` (an answer or a quoted sentence) contain the gold answer?"""
    if gold.type == "text":
        return person_matches(text, str(gold.answer), gold.aliases)
    if gold.type == "person":
        return person_answer_matches(text, str(gold.answer), gold.aliases)
    if gold.type == "people":
        assert isinstance(gold.answer, list)
        return people_scores(text, gold.answer, gold.aliases)[1] > 0
    if gold.type == "date":
        return date_matches(text, str(gold.answer)) or any(contains_phrase(text, a) for a in gold.aliases)
    if gold.type == "number":
        value = gold.number_value()
        return (value is not None and number_matches(text, value)) or any(
            contains_phrase(text, a) for a in [*gold.aliases, *([gold.answer] if isinstance(gold.answer, str) else [])]
        )
    return False


def score_answer(gold: GoldQuestion, text: str, abstained: bool, n_citations: int) -> AnswerScore:
    score = _score_by_type(gold, text, abstained, n_citations)
    if score.correct and gold.all_of and not all(contains_phrase(text, phrase) for phrase in gold.all_of):
        score = AnswerScore(False, "", score.f1, score.precision, score.recall)
    if score.correct and not abstained and names_distractor(gold, text):
        score = AnswerScore(False, "", score.f1, score.precision, score.recall)
    if score.correct:
        outcome = "correct"
    elif abstained and gold.type != "unanswerable":
        outcome = "abstained"
    else:
        outcome = "wrong"  # a wrong answer, or an unanswerable question answered anyway
    return AnswerScore(score.correct, outcome, score.f1, score.precision, score.recall)


def _score_by_type(gold: GoldQuestion, text: str, abstained: bool, n_citations: int) -> AnswerScore:
    if gold.type == "unanswerable":
        return AnswerScore(correct=abstained and n_citations == 0)
    if abstained:
        return AnswerScore(correct=False, f1=0.0 if gold.type in {"people", "text"} else None)
    if gold.type == "people":
        assert isinstance(gold.answer, list)
        precision, recall, f1 = people_scores(text, gold.answer, gold.aliases)
        return AnswerScore(f1 >= PEOPLE_F1_CORRECT, "", f1, precision, recall)
    if gold.type == "text":
        f1 = max(token_f1(text, candidate) for candidate in [str(gold.answer), *gold.aliases])
        return AnswerScore(answer_contains(gold, text), "", f1)
    return AnswerScore(answer_contains(gold, text))
