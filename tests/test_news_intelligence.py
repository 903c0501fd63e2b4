"""Publication and relative dates, the crews-and-events table, conflicting sources, follow-ups.

Pure-rule parts are tested on hand-made text (where the rule must say no as well as yes); the
rest through a real ``Assistant`` over the shipped articles in an embedded Chroma.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant import Assistant
from assistant.dates import describe_relative, question_time_range, relative_range
from assistant.fact_table import FactTable, NameIndex
from assistant.facts import FACTS_VERSION, extract_facts, facts_from_json, facts_to_json
from assistant.followup import condense
from assistant.ingest import build_article
from assistant.types import Answer
from tests.conftest import ARTICLES

FRIDAY = date(2025, 8, 1)


def _citations_quote_the_files(answer: Answer) -> None:
    for c in answer.citations:
        text = (ARTICLES / c.file).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.quote
    assert {c.chunk_id for c in answer.citations} <= {s.chunk.id for s in answer.sources}


# -- dates ------------------------------------------------------------------------------------
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


# -- extraction -------------------------------------------------------------------------------
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


# -- the table through the assistant ----------------------------------------------------------
def test_roster_is_complete_with_one_citation_per_fact(bot: Assistant) -> None:
    answer = bot.ask("Who was aboard Crew-11?")
    for name in ("Zena Cardman", "Mike Fincke", "Kimiya Yui", "Oleg Platonov"):
        assert name in answer.text
    assert "Jessica Meir" not in answer.text
    assert any("crews-and-events table" in n for n in answer.notes)
    assert bot.ask("Who was aboard Crew-11?", generator="local").generator == "facts-table"  # no model ran
    _citations_quote_the_files(answer)


def test_roster_narrowed_by_agency_across_two_missions(bot: Assistant) -> None:
    answer = bot.ask("Name the Roscosmos cosmonauts who flew on Crew-11 and Crew-12.")
    assert "Oleg Platonov" in answer.text and "Andrey Fedyaev" in answer.text
    assert "Zena Cardman" not in answer.text and "Jessica Meir" not in answer.text
    assert len(answer.citations) == 2
    _citations_quote_the_files(answer)


def test_timeline_of_crewed_dockings_resolves_the_relative_date(bot: Assistant) -> None:
    answer = bot.ask("List every crewed docking and its date.")
    assert "February 14, 2026" in answer.text
    assert "Saturday (August 2, 2025, by the article's date)" in answer.text
    assert "Dragon" not in answer.text  # the uncrewed Dragon docking is left out
    assert answer.text.index("Crew-11") < answer.text.index("Crew-12")  # in date order
    _citations_quote_the_files(answer)


def test_time_scoped_questions_and_as_of(bot: Assistant) -> None:
    assert "Crew-11" in bot.ask("Which crew launched in 2025?").text
    this_week = bot.ask("What docked at the ISS this week?", as_of=date(2026, 2, 15))
    assert "Crew-12" in this_week.text and not this_week.abstained
    _citations_quote_the_files(this_week)
    later = bot.ask("What docked at the ISS this week?", as_of=date(2026, 3, 20))
    assert later.abstained and later.citations == ()
    assert "March 16-22, 2026" in later.text


def test_conflicting_post_holders_are_both_shown_with_dates(bot: Assistant) -> None:
    answer = bot.ask("Who is NASA's administrator?")
    assert "Bill Nelson" in answer.text and "Sean Duffy" in answer.text
    assert "February 14, 2026" in answer.text and "August 1, 2025" in answer.text
    assert len(answer.citations) == 2
    _citations_quote_the_files(answer)


def test_a_single_holder_is_not_a_conflict(bot: Assistant) -> None:
    answer = bot.ask("Who is the head of Roscosmos?")
    assert answer.text.startswith("Dmitry Bakanov") and "differ" not in answer.text


def test_conflicting_quantities_show_both_values_with_article_dates(bot: Assistant) -> None:
    answer = bot.ask("How many hours did Crew-12's orbital chase to the ISS last?")
    assert "34" in answer.text and "several hours" in answer.text
    assert "undated article" in answer.text and "February 14, 2026" in answer.text
    assert {c.file for c in answer.citations} == {"002_15bd8c08e1a82e16.txt", "003_94819cb2705bb79d.txt"}
    _citations_quote_the_files(answer)


def test_a_quantity_about_another_mission_is_no_conflict(bot: Assistant) -> None:
    answer = bot.ask("How long, in months, will the Crew-11 crew stay on the space station?")
    assert "six-month" in answer.text and "eight" not in answer.text and "Another article" not in answer.text


def test_withheld_detail_is_an_abstention(bot: Assistant) -> None:
    answer = bot.ask("What specific health issue forced the medical evacuation of Crew-11?")
    assert answer.abstained and answer.citations == ()


# -- follow-ups -------------------------------------------------------------------------------
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


def test_follow_up_answer_cites_correctly_and_shows_the_rewrite(bot: Assistant) -> None:
    answer = bot.chat([*LEAD, {"role": "user", "content": "And who else was on it?"}])
    assert answer.question == "And who else was on it?"
    assert 'Read as: "Who else was on Crew-12 besides Jessica Meir?"' in answer.notes
    for name in ("Jack Hathaway", "Sophie Adenot", "Andrey Fedyaev"):
        assert name in answer.text
    assert "Jessica Meir" not in answer.text
    _citations_quote_the_files(answer)
    docked = bot.chat([*LEAD, {"role": "user", "content": "When did it dock?"}])
    assert "February 14, 2026" in docked.text
    _citations_quote_the_files(docked)


def test_follow_up_about_an_unreported_detail_abstains(bot: Assistant) -> None:
    answer = bot.chat([*LEAD, {"role": "user", "content": "What about Crew-11?"}])
    assert answer.abstained and answer.citations == ()


# -- storage and upgrade ----------------------------------------------------------------------
def test_facts_live_with_the_chunks_and_go_with_a_deleted_article(fresh_bot: Assistant, corpus_dir: Path) -> None:
    fresh_bot.ingest(corpus_dir, progress=False)
    before = fresh_bot.facts_table()
    assert any(f.file == "004_ff12244044f7d626.txt" for f in before.facts)
    fresh_bot.delete("004_ff12244044f7d626.txt")
    after = fresh_bot.facts_table()
    assert not any(f.file == "004_ff12244044f7d626.txt" for f in after.facts)
    assert fresh_bot.ask("Which crew launched in 2025?").abstained


def test_an_index_from_before_facts_gets_them_without_re_embedding(fresh_bot: Assistant, corpus_dir: Path) -> None:
    fresh_bot.ingest(corpus_dir, progress=False)
    collection = fresh_bot.store.collection
    ids = collection.get(include=[])["ids"]
    # What an index written before facts existed looks like: version 0 and no facts.
    collection.update(ids=ids, metadatas=[{"facts_version": 0, "facts": "[]"}] * len(ids))
    assert len(FactTable(fresh_bot.store.facts())) == 0
    revision = fresh_bot.store.revision()
    report = fresh_bot.ingest(corpus_dir, progress=False)
    assert report.chunks_written == 0 and len(report.unchanged) == 5  # nothing re-embedded
    assert fresh_bot.store.revision() == revision + 1  # five articles upgraded in one write
    assert sum(r.chunks for r in fresh_bot.store.files().values()) == fresh_bot.store.count()
    assert {r.facts_version for r in fresh_bot.store.files().values()} == {FACTS_VERSION}
    assert len(FactTable(fresh_bot.store.facts())) > 20
    assert "Crew-11" in fresh_bot.ask("Which crew launched in 2025?").text
