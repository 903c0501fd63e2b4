from datetime import date

from assistant.text.dates import find_dates
from assistant.text.missions import find_missions
from assistant.text.numbers import find_numbers
from assistant.text.people import find_people, same_person


def test_people_strip_titles_and_possessives_and_skip_organisations() -> None:
    text = (
        "Transportation Secretary Sean Duffy met Japan Aerospace Exploration Agency’s Kimiya Yui at "
        "Kennedy Space Center; NASA's Jessica Meir and U.S. President Donald Trump were not there."
    )
    assert [p.text for p in find_people(text)] == ["Sean Duffy", "Kimiya Yui", "Jessica Meir", "Donald Trump"]


def test_people_reject_headings() -> None:
    assert find_people("## Key Takeaways\nMission Objectives") == []


def test_same_person_by_surname() -> None:
    assert same_person("Meir", "Jessica Meir")
    assert not same_person("Jack Meir", "Jessica Meir")
    assert not same_person("Hathaway", "Jessica Meir")


def test_dates_full_partial_iso_and_times() -> None:
    mentions = find_dates("Docked February 14, 2026, at 3:15 p.m. EST; launched Aug. 1 and 2026-02-14T12:54:22-05:00.")
    assert [(m.kind, m.iso()) for m in mentions] == [
        ("date", "2026-02-14"),
        ("time", None),
        ("date", None),
        ("date", "2026-02-14"),
    ]


def test_weekday_resolves_against_publication_date() -> None:
    published = date(2025, 8, 1)  # a Friday
    future = find_dates("The crew is expected to dock on Saturday.", published)[0]
    past = find_dates("On Sunday, the capsule docked.", published)[0]
    undated = find_dates("On Sunday, the capsule docked.", None)[0]
    assert future.iso() == "2025-08-02"
    assert past.iso() == "2025-07-27"
    assert undated.iso() is None


def test_numbers_words_digits_and_scales() -> None:
    values = [n.value for n in find_numbers("a dozen hooks, 400 pounds, 28,000 km/h, the sixth flight, 1.5 billion")]
    assert values == [12, 400, 28000, 6, 1.5e9]


def test_numbers_skip_mission_designators() -> None:
    assert [n.value for n in find_numbers("Crew-12 and Crew-11 carried four people")] == [4]


def test_missions_normalise() -> None:
    assert find_missions("Crew 12, crew-11 and Demo-1") == ["crew-12", "crew-11", "demo-1"]
