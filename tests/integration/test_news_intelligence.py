"""Publication and relative dates, the crews-and-events table, conflicting sources, follow-ups.

Pure-rule parts are tested on hand-made text (where the rule must say no as well as yes); the
rest through a real ``Assistant`` over the shipped articles in an embedded Chroma.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from assistant import Assistant
from assistant.news.facts import FACTS_VERSION
from assistant.news.table import FactTable
from assistant.types import Answer
from tests.conftest import ARTICLES

FRIDAY = date(2025, 8, 1)


def _citations_quote_the_files(answer: Answer) -> None:
    for c in answer.citations:
        text = (ARTICLES / c.file).read_text(encoding="utf-8")
        assert text[c.start : c.end] == c.quote
    assert {c.chunk_id for c in answer.citations} <= {s.chunk.id for s in answer.sources}


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


def _turns(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"role": role, "content": content} for role, content in pairs]


LEAD = _turns(("user", "Who leads Crew-12?"), ("assistant", "Jessica Meir [1]."))


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
