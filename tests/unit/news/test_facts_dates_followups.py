"""Publication and relative dates, the crews-and-events table, conflicting sources, follow-ups.

Pure-rule parts are tested on hand-made text (where the rule must say no as well as yes); the
rest through a real ``Assistant`` over the shipped articles in an embedded Chroma.
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant.ingest.articles import build_article
from assistant.news.facts import extract_facts
from assistant.news.followup import condense
from assistant.news.table import NameIndex
from assistant.query.timescope import question_time_range
from assistant.store.facts_codec import facts_from_json, facts_to_json
from assistant.text.periods import describe_relative, relative_range
from assistant.types import Answer
from tests.conftest import ARTICLES

FRIDAY = date(2025, 8, 1)


def _citations_quote_the_files(answer: Answer) -> None:
    for c in answer.citations:
        text = (ARTICLES / c.file).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.quote
    assert {c.chunk_id for c in answer.citations} <= {s.chunk.id for s in answer.sources}


@pytest.mark.parametrize(
    ("words", "context", "expected"),
    [
        ("this weekend", "", (date(2025, 7, 26), date(2025, 7, 27))),  # past tense: the weekend just gone
        ("this weekend", "is expected to dock", (date(2025, 8, 2), date(2025, 8, 3))),
        ("last week", "", (date(2025, 7, 21), date(2025, 7, 27))),
        ("yesterday", "", (date(2025, 7, 31), date(2025, 7, 31))),
        ("next month", "", (date(2025, 9, 1), date(2025, 9, 30))),
        ("soon", "", None),
    ],
)
def test_relative_expressions_resolve_against_the_reference_day(
    words: str, context: str, expected: tuple[date, date] | None
) -> None:
    assert relative_range(words, FRIDAY, context) == expected


def test_relative_dates_show_the_original_wording_or_say_undated() -> None:
    assert describe_relative("Saturday", FRIDAY, "is expected to dock on") == (
        "Saturday (August 2, 2025, by the article's date)"
    )
    assert describe_relative("Sunday", None) == "Sunday (the article is undated)"


def test_question_time_scopes() -> None:
    feb = question_time_range("What happened in February 2026?", None)
    assert feb and (feb.start, feb.end) == (date(2026, 2, 1), date(2026, 2, 28))
    year = question_time_range("Which crew launched in 2025?", None)
    assert year and (year.start, year.end) == (date(2025, 1, 1), date(2025, 12, 31))
    week = question_time_range("What docked this week?", date(2026, 2, 15))
    assert week and (week.start, week.end) == (date(2026, 2, 9), date(2026, 2, 15))
    assert question_time_range("Who leads Crew-12?", None) is None
    assert question_time_range("Did Crew-11 launch before February 2026 or after March 2024?", None) is None


def test_facts_of_a_hand_made_article_and_what_is_not_a_fact() -> None:
    text = (
        "---\ndate: 2025-08-01\n---\n"
        "NASA's Crew-11 mission lifted off on Friday.\n\n"
        "On board are NASA astronauts Zena Cardman and Mike Fincke, alongside Roscosmos cosmonaut Oleg Platonov.\n\n"
        "Dmitry Bakanov, head of Roscosmos, met with them. SpaceX delivered a new docking port in 2016.\n\n"
        "The crew is expected to dock with the station on Saturday.\n"
    )
    facts = extract_facts(build_article("a.md", "a.md", text))
    crew = {f.person: f.agency for f in facts if f.kind == "crew"}
    assert crew == {"Zena Cardman": "NASA", "Mike Fincke": "NASA", "Oleg Platonov": "Roscosmos"}
    assert [(f.person, f.role) for f in facts if f.kind == "role"] == [("Dmitry Bakanov", "head of Roscosmos")]
    events = [(f.event, f.status, f.day) for f in facts if f.kind == "event"]
    assert events == [("launch", "happened", date(2025, 8, 1)), ("docking", "expected", date(2025, 8, 2))]
    for fact in facts:
        assert text[fact.start : fact.end] == fact.quote


def test_facts_survive_the_metadata_round_trip() -> None:
    article = build_article("x.txt", "x.txt", (ARTICLES / "004_ff12244044f7d626.txt").read_text(encoding="utf-8"))
    facts = extract_facts(article)
    back = facts_from_json(facts_to_json(facts), "x.txt", "", article.published)
    assert back == facts


def test_names_merge_across_articles_by_surname_nickname_and_initial() -> None:
    names = NameIndex(["Jessica Meir", "Meir", "Mike Fincke", "Michael Fincke", "Mike Fincke", "J. Meir", "Jack Meir"])
    assert names.canonical("Meir") == "Meir"  # two Meirs (Jessica, Jack): a bare surname stays ambiguous
    assert names.canonical("Michael Fincke") == "Mike Fincke"
    assert names.canonical("J. Meir") in {"Jessica Meir", "Jack Meir"}
    assert names.canonical("Jack Meir") != names.canonical("Jessica Meir")
    single = NameIndex(["Jessica Meir", "Meir"])
    assert single.canonical("Meir") == "Jessica Meir" and single.aliases("Jessica Meir") == ["Meir"]


def _turns(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"role": role, "content": content} for role, content in pairs]


LEAD = _turns(("user", "Who leads Crew-12?"), ("assistant", "Jessica Meir [1]."))


@pytest.mark.parametrize(
    ("history", "asked", "standalone"),
    [
        (LEAD, "And who else was on it?", "Who else was on Crew-12 besides Jessica Meir?"),
        (LEAD, "When did it dock?", "When did Crew-12 dock?"),
        (LEAD, "What about Crew-11?", "Who leads Crew-11?"),
        (LEAD, "Which agency does she work for?", "Which agency does Jessica Meir work for?"),
        (LEAD, "Which agency is Sophie Adenot from?", "Which agency is Sophie Adenot from?"),
        ([], "Who leads Crew-12?", "Who leads Crew-12?"),
        (LEAD, "   ", "   "),
    ],
)
def test_follow_ups_are_rewritten_to_stand_alone(history: list[dict[str, str]], asked: str, standalone: str) -> None:
    assert condense([*history, {"role": "user", "content": asked}]).standalone == standalone
