"""The extractive generator: no LLM; it answers with words that are in the articles.

1. Every sentence of the retrieved passages is scored against the question (IDF-weighted overlap
   of stemmed terms with synonyms, mission designators that must agree, the passage's rank, and
   whether the sentence holds something of the asked-for type).
2. For who / when / how-many questions it picks the name, date or number in the best such
   sentence that sits closest to the question's words; for rosters, every name in that sentence.
   Other questions get the best sentence itself.
3. If no sentence shares a word with what is being asked, it abstains rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from assistant.answer.base import Draft
from assistant.answer.reader import SpanReader
from assistant.answer.reading import DEFAULT_POLICY, ReaderPolicy, dated, decide, read_ranking
from assistant.answer.same_answer import answer_key, same_answer
from assistant.domain import VOCABULARY
from assistant.query.answer_types import typed_candidates
from assistant.query.query import Query
from assistant.query.terms import weighted_terms
from assistant.retrieval.evidence import ScoredSentence, SentenceRanking, kind_bonus, score_sentences
from assistant.text.dates import describe_date, find_dates
from assistant.text.missions import find_missions
from assistant.text.nlp import Entity, entities, entities_many
from assistant.text.people import full_name, same_person
from assistant.text.places import fits_place_kind
from assistant.text.terms import STOPWORDS, content_terms, stem
from assistant.types import Passage

NOT_COVERED = "The articles do not say."
# Share of the question's own focus words (IDF-weighted) that a sentence answer must contain.
# Tuned on the tuning halves only (ids ending in an even digit; see README, Evaluation).
MIN_TEXT_COVERAGE = 0.7  # eval/tune_extractive.py on both tuning halves: best correct - wrong
# The same share for an entity answer ("Which airline ...": the sentence holding the airline).
MIN_ENTITY_COVERAGE = 0.35  # eval/tune_extractive.py on both tuning halves
# How far ahead of the best different candidate in another sentence a typed answer must score
# (sentence score units); quizzes put their wrong choices in the same articles, so a near tie is a coin toss.
MIN_MARGIN = 3.5  # eval/tune_extractive.py on both tuning halves: correct - wrong is flat from 2 to 4; the middle
_WITHHELD = re.compile(
    r"\b(?:undisclosed|unspecified|unnamed|unidentified|unknown|not\s+(?:been\s+)?(?:disclosed|named|identified|"
    r"released|made\s+public))\b",
    re.I,
)


@dataclass(frozen=True)
class Span:
    text: str
    sentence: ScoredSentence
    closeness: float


def _closeness(
    info: Query,
    sentence: ScoredSentence,
    start: int,
    end: int,
    weights: dict[str, float] | None = None,
    terms: dict[str, float] | None = None,
) -> float:
    """How near a mention sits to the question's words (sum of weight/(1+distance)).

    Weights are the terms' IDF over the candidate sentences, so "Japanese" (rare) pulls harder
    than "astronaut" (everywhere).
    """
    wanted = terms if terms is not None else weighted_terms(info.terms)
    # Generic words ("astronaut", "crew") name the type asked for, not which one: when the question
    # has a distinguishing word ("Japanese", "ESA"), only those pull.
    # A synonym of a generic word is no more distinguishing than the word ("astronaut" brings in
    # "cosmonaut"), unless the question uses it itself ("Which Roscosmos cosmonaut ...").
    generic = VOCABULARY.generic_terms | (
        set(weighted_terms([t for t in info.terms if t in VOCABULARY.generic_terms])) - set(info.terms)
    )
    distinguishing = {t: w for t, w in wanted.items() if t not in generic and not re.search(r"\d", t)}
    if terms is None and any(w == 1.0 for w in distinguishing.values()):
        wanted = distinguishing
    tokens = list(re.finditer(r"[A-Za-z]+-\d+|[A-Za-z][A-Za-z'’]*|\d+", sentence.text))
    mention_index = next((i for i, t in enumerate(tokens) if t.end() > start), len(tokens))
    mention_last = next((i for i, t in enumerate(tokens) if t.end() >= end), mention_index)
    total = 0.0
    for i, token in enumerate(tokens):
        if mention_index <= i <= mention_last:
            continue
        token_terms = content_terms(token.group(0))
        if token_terms and token_terms[0] in wanted:
            distance = mention_index - i if i < mention_index else i - mention_last
            # A comma or semicolon between the word and the mention usually means another clause.
            lo, hi = sorted((token.start(), start if i < mention_index else end))
            distance += 3 * len(re.findall(r"[,;()]", sentence.text[lo:hi]))
            weight = (weights or {}).get(token_terms[0], 1.0) * wanted[token_terms[0]]
            total += weight / (1 + distance)
    return total


def _date_span(info: Query, sentence: ScoredSentence, idf: dict[str, float]) -> tuple[str, int, int] | None:
    """The date (joined with a nearby time) that best answers a when-question."""
    published = sentence.passage.chunk.published
    mentions = [m for m in find_dates(sentence.text, published) if m.kind != "relative"]
    if not mentions:
        return None
    order = {"date": 0, "weekday": 1, "month": 2, "time": 3, "year": 4}
    if info.wants_time:
        order = {"time": 0, "date": 1, "weekday": 2, "month": 3, "year": 4}
    if info.wants_weekday:
        order = {"weekday": 0, "date": 1, "time": 2, "month": 3, "year": 4}
    best = min(
        mentions,
        key=lambda m: (
            order.get(m.kind, 9) - (0.5 if m.resolved else 0),
            -_closeness(info, sentence, m.start, m.end, idf),
        ),
    )
    text = describe_date(best)
    start, end = best.start, best.end
    times = [m for m in mentions if m.kind == "time" and m is not best and 0 <= m.start - best.end <= 12]
    if best.kind in {"date", "weekday"} and times:
        text = f"{text} at {times[0].text}" if best.kind == "date" else f"{text}, {times[0].text}"
        end = times[0].end
    return text, start, end


_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
_FUNCTION_WORDS = {"of", "and", "to", "in", "on", "at", "the", "a", "from", "for", "with", "by", "or", "as"}


def _number_span(text: str, start: int, end: int) -> str:
    """The number with the word it counts ("a dozen hooks", "400 pounds", "34-hour")."""
    tail = re.match(r"\s?%|\s+per\s?cent\b|-[a-z]+|\s+[a-z]+", text[end:])
    if tail and tail.group(0).strip(" -") not in _FUNCTION_WORDS:
        return text[start : end + tail.end()].strip()
    return text[start:end]


def _counted_bonus(info: Query, sentence: ScoredSentence, end: int) -> float:
    """A number directly followed by the counted noun ("18 astronauts" for "how many astronauts")."""
    following = re.findall(r"[A-Za-z]+", sentence.text[end : end + 30])[:2]
    return 2.0 if info.counted and any(stem(w) in info.counted for w in following) else 0.0


def focus_coverage(info: Query, sentence: ScoredSentence, idf: dict[str, float]) -> float:
    """IDF-weighted share of the question's focus words found in the sentence (1.0 with none).

    A word no candidate sentence holds gets the highest IDF seen: missing it weighs most.
    """
    asked = [t for t in dict.fromkeys(info.terms) if t in info.focus]
    if not asked:
        return 1.0
    top = max(idf.values(), default=1.0)
    weights = {t: idf.get(t, top) for t in asked}
    present = set(sentence.terms)
    return sum(w for t, w in weights.items() if t in present) / sum(weights.values())


def _new_proper_nouns(question: str, sentence: str) -> list[str]:
    """Named entities of the sentence (names, not dates or amounts) that the question does not contain."""
    return [e.text for e in entities(sentence) if e.label in _NAME_LABELS and not _named_in_question(e.text, question)]


def _margin(top: float, chosen: str, scored: list[tuple[float, str, int]], sentence: int) -> float:
    """How far the chosen answer's score is ahead of the best different answer found in another
    sentence (inf when none). Inside one sentence, nearness to the question's words ("led by X")
    already decides; a rival in another sentence or article is the quiz's trap."""
    key = answer_key(chosen)
    rivals = [score for score, text, at in scored if at != sentence and not same_answer(answer_key(text), key)]
    return top - max(rivals) if rivals else float("inf")


def in_scope_first(info: Query, ranking: SentenceRanking) -> SentenceRanking:
    """For a question scoped to a period ("this week"), only the sentences of articles published in
    it (and of undated ones), when there are any: an article from another year answers another
    week's quiz. Retrieval already ranks in-period articles up; this keeps an older article's name
    from being the answer, or the rival that makes the right one look like a guess."""
    scope = info.scope
    if scope is None:
        return ranking
    dated_in = [s for s in ranking.sentences if s.passage.chunk.published and scope.contains(s.passage.chunk.published)]
    if not dated_in:
        return ranking
    kept = [s for s in ranking.sentences if s.passage.chunk.published is None or s in dated_in]
    return SentenceRanking(kept, ranking.idf)


def _passages_text(ranking: SentenceRanking, file: str | None = None) -> str:
    """The retrieved passages, of one article when ``file`` is given, in one text (where full names are)."""
    return "\n".join(
        dict.fromkeys(s.passage.chunk.text for s in ranking.sentences if file is None or s.passage.chunk.file == file)
    )


def _about_other_mission(info: Query, sentence: ScoredSentence) -> bool:
    """Does the sentence name missions, none of them the one asked about? Its names answer another
    question ("Crew-12's cosmonaut" for one about Crew-11), so they are no rival to the answer."""
    if not info.missions:
        return False
    named = set(find_missions(sentence.text))
    return bool(named) and not named & set(info.missions)


def _full_name(name: str, ranking: SentenceRanking, sentence: ScoredSentence) -> str:
    """A surname answer as its article writes the name in full; failing that, as the other retrieved
    articles do (one story, several outlets), when they agree on one full name."""
    expanded = full_name(name, _passages_text(ranking, sentence.passage.chunk.file))
    return expanded if expanded != name else full_name(name, _passages_text(ranking))


def _named_in_question(mention: str, question: str) -> bool:
    """Is the mention (or every word of it) already in the question? Then it is not the answer."""
    asked = {w.lower() for w in re.findall(r"[\w'’-]+", question)}
    words = [w.lower() for w in re.findall(r"[\w'’-]+", mention)]
    return bool(words) and all(w in asked or w in STOPWORDS for w in words)


def _withholds(info: Query, sentence: str) -> bool:
    """Does the sentence say the asked-for detail is not known ("an undisclosed health issue")?"""
    for match in _WITHHELD.finditer(sentence):
        following = re.findall(r"[A-Za-z]+", sentence[match.end() : match.end() + 40])[:3]
        if {stem(w) for w in following} & set(info.terms):
            return True
    return False


def _accepts(info: Query, sentence: ScoredSentence, counted_hit: bool, names: int) -> bool:
    """Is this sentence about what was asked, not just holding something of the right type?"""
    if not info.focus or info.focus & set(sentence.terms) or counted_hit:
        return True
    # A roster sentence of the asked mission's article answers "who was on it" without the verb.
    return info.qtype == "people" and names >= 2


_Option = tuple[float, ScoredSentence, list[tuple[str, int, int]]]


def _confirmed_people(
    options: list[_Option], scored: list[tuple[float, str, int]], ranking: SentenceRanking
) -> tuple[list[_Option], list[tuple[float, str, int]]]:
    """Without the one-word "names" that no retrieved passage writes in full, when some candidate
    is a full name. News names a person in full at first mention; a one-word PERSON that is never
    expanded is more often the small recogniser's mistake ("Oscar acceptance speech") than a person."""
    text = _passages_text(ranking)
    unconfirmed = {name for _, name, _ in scored if len(name.split()) == 1 and full_name(name, text) == name}
    if len(unconfirmed) == len({name for _, name, _ in scored}):
        return options, scored
    return _keep_candidates(options, scored, lambda name, _at: name not in unconfirmed)


def _keep_candidates(
    options: list[_Option], scored: list[tuple[float, str, int]], keep: Callable[[str, int], bool]
) -> tuple[list[_Option], list[tuple[float, str, int]]]:
    """The candidates ``keep(name, sentence id)`` accepts; a sentence left with none drops out, and
    each kept sentence is rescored by its best remaining candidate."""
    kept_scored = [m for m in scored if keep(m[1], m[2])]
    kept_options = []
    for _, sentence, mentions in options:
        named = [m for m in mentions if keep(m[0], id(sentence))]
        if named:
            best = max(score for score, _, at in kept_scored if at == id(sentence))
            kept_options.append((best, sentence, named))
    return kept_options, kept_scored


def _on_asked_mission(
    info: Query, options: list[_Option], scored: list[tuple[float, str, int]], ranking: SentenceRanking
) -> tuple[list[_Option], list[tuple[float, str, int]]]:
    """For a who-question about a place on a mission's crew ("commanded", "flew on": the vocabulary's
    crew roles) whose crew the retrieved passages list, only people tied to that mission: on its
    crew (the facts read at ingest), or named in a sentence that names it. The agency chief who met
    the press beside the launch did not command it; who took the launch photo is another question."""
    if not info.missions or not VOCABULARY.crew_roles & set(info.terms):
        return options, scored
    crew = {
        fact.person
        for sentence in ranking.sentences
        for fact in sentence.passage.chunk.facts
        if fact.kind == "crew" and fact.person and fact.mission in info.missions
    }
    if not crew:
        return options, scored
    naming = {id(s) for _, s, _ in options if set(find_missions(s.text)) & set(info.missions)}

    return _keep_candidates(
        options, scored, lambda name, at: at in naming or any(same_person(name, member) for member in crew)
    )


class ExtractiveGenerator:
    """Answers with spans and sentences copied from the passages."""

    name = "extractive"

    def __init__(self, reader: SpanReader | None = None, policy: ReaderPolicy = DEFAULT_POLICY) -> None:
        self.reader = reader
        self.policy = policy

    def generate(self, query: Query, passages: list[Passage]) -> Draft:
        ranking = in_scope_first(query, score_sentences(query, passages))
        if not ranking.sentences:
            return Draft(NOT_COVERED, abstained=True)
        rules, cited = self.rules_answer(query, ranking)
        if self.reader is None:
            return rules
        if not rules.abstained and (query.qtype == "people" or not self.policy.judges_rules_answers):
            # The reader points at one span: it can neither confirm nor replace a roster. And under a policy
            # that only fills abstentions, reading when the rules answered would cost time and change nothing.
            return rules
        reading = read_ranking(self.reader, query.text, ranking)
        choice = decide(rules.short_answer, cited.text if cited else None, reading, self.policy)
        if choice == "rules":
            return rules
        best = reading.best
        if choice == "abstain" or best is None:
            return Draft(NOT_COVERED, abstained=True)
        answer = dated(best) if query.qtype == "date" else best.text
        if query.qtype == "person":
            answer = _full_name(answer, ranking, best.sentence)  # "Meir" as the article writes her in full
        return Draft(f"{answer} [{best.sentence.passage.n}].", short_answer=answer)

    def rules_answer(self, query: Query, ranking: SentenceRanking) -> tuple[Draft, ScoredSentence | None]:
        """The hand rules' draft and the sentence it cites (None when they abstain)."""
        info = query
        abstain = Draft(NOT_COVERED, abstained=True), None
        if info.qtype in {"person", "people", "date", "number"}:
            # A who/when/how-many question with nothing of that type near its words is not answered
            # by these articles: say so rather than hand back a loosely related sentence.
            return self._typed_answer(info, ranking) or abstain
        if info.entity_labels:
            # "Which airline ...", "Where ...": the entity of that kind that the best sentences hold.
            # A sentence that holds no such entity does not say which one: abstain, not quote it.
            return self._entity_answer(info, ranking) or abstain
        relevant = [s for s in ranking.sentences[:12] if not info.focus or info.focus & set(s.terms)]
        if info.asks_name:
            # "What is the name of ..." wants a proper name the question does not already contain.
            relevant = [s for s in relevant if _new_proper_nouns(info.text, s.text)]
        if not relevant:
            return abstain
        best = relevant[0]
        if focus_coverage(info, best, ranking.idf) < MIN_TEXT_COVERAGE:
            # The best sentence shares too little of what the question asks about: a sentence
            # from the right article about something else is a confident wrong answer.
            return abstain
        if info.asks_specific and _withholds(info, best.text):
            # "What specific health issue ...?" answered by "an undisclosed health issue": the
            # article says it does not know, which is not an answer.
            return abstain
        return Draft(f"{best.text} [{best.passage.n}]", short_answer=None), best

    def _entity_answer(self, info: Query, ranking: SentenceRanking) -> tuple[Draft, ScoredSentence] | None:
        """The named entity of the asked-for kind that best answers the question, if one does."""
        idf = ranking.idf
        sentences = [s for s in ranking.sentences[:8] if not info.focus or info.focus & set(s.terms)]
        options: list[tuple[float, ScoredSentence, Entity]] = []
        for sentence, found in zip(sentences, entities_many([s.text for s in sentences]), strict=True):
            for entity in found:
                if entity.label not in info.entity_labels or _named_in_question(entity.text, info.text):
                    continue
                if entity.label == "GPE" and not fits_place_kind(entity.text, info.place_kind):
                    continue  # "which country" is not answered by a US state
                closeness = _closeness(info, sentence, entity.start, entity.end, idf)
                options.append((sentence.score + closeness, sentence, entity))
        if not options:
            return None
        top, sentence, entity = max(options, key=lambda o: o[0])
        if focus_coverage(info, sentence, idf) < MIN_ENTITY_COVERAGE:
            return None
        scored = [(score, e.text, id(s)) for score, s, e in options if not _about_other_mission(info, s)]
        if _margin(top, entity.text, scored, id(sentence)) < MIN_MARGIN:
            return None  # another entity of the same kind fits almost as well: a guess, not an answer
        answer = _full_name(entity.text, ranking, sentence) if entity.label == "PERSON" else entity.text
        return Draft(f"{answer} [{sentence.passage.n}].", short_answer=answer), sentence

    def _typed_answer(self, info: Query, ranking: SentenceRanking) -> tuple[Draft, ScoredSentence] | None:
        idf = ranking.idf
        options: list[tuple[float, ScoredSentence, list[tuple[str, int, int]]]] = []
        scored_mentions: list[tuple[float, str, int]] = []  # every candidate answer, its score and sentence
        elsewhere: set[int] = set()  # sentences about another mission than the one asked about
        for sentence in ranking.sentences[:8]:
            mentions = typed_candidates(info, sentence.text, sentence.passage.chunk.published)
            if not mentions:
                continue
            counted = max((_counted_bonus(info, sentence, m[2]) for m in mentions), default=0.0)
            if not _accepts(info, sentence, counted > 0, len(mentions)):
                continue
            base = sentence.score + kind_bonus(info, sentence)
            each = [
                (
                    base + _closeness(info, sentence, m[1], m[2], idf) + _counted_bonus(info, sentence, m[2]),
                    m[0],
                    id(sentence),
                )
                for m in mentions
            ]
            scored_mentions.extend(each)
            if _about_other_mission(info, sentence):
                elsewhere.add(id(sentence))
            options.append((max(score for score, _, _ in each), sentence, mentions))
        if info.qtype == "person":
            options, scored_mentions = _confirmed_people(options, scored_mentions, ranking)
            options, scored_mentions = _on_asked_mission(info, options, scored_mentions, ranking)
        if not options:
            return None
        top, sentence, mentions = max(options, key=lambda o: o[0])
        if info.qtype in {"person", "number"}:
            chosen = next(m[1] for m in scored_mentions if m[0] == top and m[2] == id(sentence))
            rivals = [m for m in scored_mentions if m[2] not in elsewhere]
            if _margin(top, chosen, rivals, id(sentence)) < MIN_MARGIN:
                return None  # another name or number fits almost as well: a guess, not an answer
        marker = f"[{sentence.passage.n}]"
        if info.qtype == "people":
            names = self._roster(info, sentence, mentions, idf)
            listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            return Draft(f"{listed} {marker}.", short_answer=listed), sentence
        if info.qtype == "date":
            span = _date_span(info, sentence, idf)
            if span is None:
                return None
            return Draft(f"{span[0]} {marker}.", short_answer=span[0]), sentence
        best = max(
            mentions, key=lambda m: _closeness(info, sentence, m[1], m[2], idf) + _counted_bonus(info, sentence, m[2])
        )
        if info.qtype == "number":
            answer = best[0] if info.entity_labels else _number_span(sentence.text, best[1], best[2])
            return Draft(f"{answer} {marker}.", short_answer=answer), sentence
        answer = _full_name(best[0], ranking, sentence)
        return Draft(f"{answer} {marker}.", short_answer=answer), sentence

    @staticmethod
    def _roster(
        info: Query, sentence: ScoredSentence, mentions: list[tuple[str, int, int]], idf: dict[str, float]
    ) -> list[str]:
        """All names of the sentence, or, when the question narrows the group by a proper noun
        ("NASA astronauts", "from ESA or Roscosmos", "Japanese"), those next to the narrowing words."""
        names = list(dict.fromkeys(m[0] for m in mentions))
        narrowing = info.narrowing
        if not narrowing & set(sentence.terms):
            return names
        weights = {t: 1.0 for t in narrowing}
        near = {m[0]: _closeness(info, sentence, m[1], m[2], None, weights) for m in mentions}
        top = max(near.values())
        if top <= 0:
            return names
        return [n for n in names if near[n] >= 0.5 * top]

    def stream(self, query: Query, passages: list[Passage]) -> Iterator[str]:
        yield self.generate(query, passages).text
