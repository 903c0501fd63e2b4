import pytest

from assistant.query.query import parse_query
from assistant.query.terms import narrowing_terms


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        ("Who leads the Crew-12 mission?", "person"),
        ("And who leads it?", "person"),
        ("Name the commander of Crew-12.", "person"),
        ("Which European Space Agency astronaut is part of Crew-12?", "person"),
        ("Besides Jessica Meir, who is the fourth member of Crew-12?", "person"),
        ("Who was on Crew-11?", "people"),
        ("List all four astronauts who docked with the ISS on Crew-12.", "people"),
        ("Which space agency does Crew-12 leader Jessica Meir belong to?", "text"),
        ("Who is Jessica Meir?", "text"),
        ("When did Crew-12 dock with the ISS?", "date"),
        ("On what date did Crew-11 launch?", "date"),
        ("How many people were aboard the ISS when the unmanned Dragon arrived?", "number"),
        ("What is the name of the Crew Dragon capsule that carried Crew-12?", "text"),
        # A plural person noun asked for makes a roster; one merely mentioned does not.
        ("List the four people who launched on the relief flight.", "people"),
        ("Name the players the club signed this summer.", "people"),
        ("Which senators were absent from the vote?", "people"),
        ("Which virus is making health officials reconsider their advice?", "text"),
        ("Officials say the fire was started by a man who was trying to:", "text"),
        ("Which team's players went on strike?", "text"),
    ],
)
def test_question_types(question: str, qtype: str) -> None:
    assert parse_query(question).qtype == qtype


def test_counted_noun_and_name_questions() -> None:
    assert parse_query("How many hooks latched the capsule?").counted == {"hook"}
    assert parse_query("What is the name of the capsule?").asks_name


def test_narrowing_ignores_possessives_and_expands_acronyms() -> None:
    assert narrowing_terms("Which NASA astronauts flew on Crew-11?") == {"nasa"}
    assert narrowing_terms("Name the four members of NASA's Crew-11 mission.") == set()
    assert {"esa", "european"} <= narrowing_terms("Which crew members come from ESA?")
