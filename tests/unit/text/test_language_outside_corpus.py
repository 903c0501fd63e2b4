"""The language layer on news that is not in the shipped corpus: names, dates, numbers, entity kinds.

No embedding model: spaCy's en_core_web_sm, Punkt and dateparser only. The sentences are written
for these tests (other topics, other wording), not copied from the shipped articles.
"""

from __future__ import annotations

from datetime import date

import pytest

from assistant.ingest.articles import build_article
from assistant.query.answer_types import counts_something_else, typed_candidates
from assistant.query.classify import classify
from assistant.query.entity_types import amount_labels, expected_labels
from assistant.query.query import parse_query
from assistant.text.dates import find_dates
from assistant.text.nlp import entities
from assistant.text.people import find_people, full_name
from assistant.text.places import fits_place_kind, place_kind
from assistant.text.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Prime Minister Boris Johnson spoke in London on Friday.", "Boris Johnson"),
        ("Actor Denzel Washington won an Oscar in 2002.", "Denzel Washington"),
        ("The mayor, Karen Elizabeth Bass, cut the ribbon.", "Karen Elizabeth Bass"),  # a middle name
        ("Engineer Tom Okafor said the repairs cost $12 million.", "Tom Okafor"),  # the title is not the name
    ],
)
def test_people_outside_the_corpus_are_found_without_titles(text: str, name: str) -> None:
    assert name in [p.text for p in find_people(text)]


def test_a_possessive_is_not_part_of_the_name_and_offsets_index_the_text() -> None:
    text = "Kenya's president William Ruto's visit was cut short."
    found = find_people(text)
    assert [p.text for p in found] == ["William Ruto"]
    assert text[found[0].start : found[0].end] == "William Ruto"


def test_markdown_does_not_split_a_name_and_offsets_stay_on_the_original_text() -> None:
    text = "said the **city engineer**, [**James Carter**](/people/james)."
    people = find_people(text)
    assert [p.text for p in people] == ["James Carter"]
    assert text[people[0].start : people[0].end] == "James Carter"


def test_entities_carry_their_kind() -> None:
    found = {
        (e.text, e.label) for e in entities("Southwest Airlines pilots picketed in Dallas as Hurricane Ida neared.")
    }
    assert ("Southwest Airlines", "ORG") in found
    assert ("Dallas", "GPE") in found
    assert ("Hurricane Ida", "EVENT") in found


def test_numeric_and_relative_dates_resolve_against_the_article_date() -> None:
    text = "The bridge reopened on 14/02/2026 at 15:15 UTC, two days ago, after it closed on Thursday."
    mentions = {m.text: m for m in find_dates(text, published=date(2026, 2, 16))}
    assert mentions["14/02/2026"].iso() == "2026-02-14"
    assert mentions["15:15 UTC"].kind == "time"
    assert mentions["two days ago"].iso() == "2026-02-14"
    assert mentions["Thursday"].iso() == "2026-02-12"  # the Thursday before a Monday article


def test_a_relative_date_in_an_undated_text_is_no_date() -> None:
    assert not [m for m in find_dates("It reopened two days ago.") if m.iso()]


def test_punkt_keeps_abbreviations_and_initials_inside_sentences() -> None:
    text = (
        "The plan, backed by Gov. Ana Ruiz, met Dr. Lee at 9 a.m. on Jan. 5. "
        "John F. Kennedy Airport reopened. Flights resumed."
    )
    assert [s.text for s in split_sentences(text)] == [
        "The plan, backed by Gov. Ana Ruiz, met Dr. Lee at 9 a.m. on Jan. 5.",
        "John F. Kennedy Airport reopened.",
        "Flights resumed.",
    ]


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        ("Which airline's pilots picketed this week?", {"ORG"}),
        ("Which major pharmacy chain filed for bankruptcy?", {"ORG"}),
        ("In which country did the first Winter Olympics take place?", {"GPE"}),
        ("Which storm damaged the bridge in 2021?", {"EVENT"}),
        ("Where did the debate take place?", {"GPE", "LOC", "FAC"}),
        ("Which film star is on trial?", {"PERSON"}),  # the head is the last noun: star, not film
        ("What did the council decide?", set()),  # no entity kind named: a sentence answer
        # The head noun by spaCy's tagger: the last noun of the phrase, not the last listed word.
        ("Which invasive host plant do the beetles prefer?", set()),  # plant, not host
        ("Which ferry company's captain was praised?", {"ORG"}),  # "which X's Y" asks for X
        ("Which head coach of the rowing club resigned?", {"PERSON"}),  # "head", tagged a verb, is a noun here
        ("Which Senate Majority Leader blocked the vote?", {"PERSON"}),  # a capitalised title: proper nouns
        ("Which high-profile museum reopened?", {"FAC", "ORG"}),  # a hyphenated modifier
    ],
)
def test_the_asked_for_entity_kind_comes_from_the_head_noun(question: str, labels: set[str]) -> None:
    assert set(expected_labels(question)) == labels


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        ("Which veteran quarterback announced his retirement?", "person"),
        ("Which ferry company's captain was praised?", "text"),  # the company is asked for
        ("Which lawmakers were arrested at the protest?", "people"),
    ],
)
def test_a_head_noun_naming_a_person_asks_for_a_name(question: str, qtype: str) -> None:
    assert classify(question) == qtype


def test_amount_questions_name_percent_or_money() -> None:
    assert amount_labels("What percentage of voters approve?") == {"PERCENT"}
    assert amount_labels("How much did the repairs cost?") == {"MONEY"}
    assert amount_labels("How many lanes does the bridge have?") == frozenset()


def test_the_query_carries_the_entity_kind_once_parsed() -> None:
    assert parse_query("Which city hosted the summit?").entity_labels == {"GPE"}


def test_a_title_date_url_header_block_is_metadata_not_body() -> None:
    text = "Title: Bridge reopens\nDate: 2025/07/22\nURL: https://example.org/news/bridge\n\nThe bridge reopened.\n"
    article = build_article("bridge.txt", "/tmp/bridge.txt", text)
    assert article.title == "Bridge reopens"
    assert article.published == date(2025, 7, 22)
    assert article.url == "https://example.org/news/bridge"
    assert text[article.body_start :].startswith("The bridge reopened.")


def test_a_name_in_a_list_of_people_counts_as_a_person_even_when_the_model_says_organisation() -> None:
    # en_core_web_sm labels "Sophie Adenot" ORG here; its neighbours in the list are people.
    text = "The crew includes astronauts Jack Hathaway, Sophie Adenot from the European Space Agency, and Tom Reed."
    assert "Sophie Adenot" in [p.text for p in find_people(text)]


def test_organisations_listed_together_stay_organisations() -> None:
    assert [p.text for p in find_people("Apple, Google and Microsoft met Tim Cook.")] == ["Tim Cook"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [("Portugal", "country"), ("Georgia", "country"), ("Ohio", "region"), ("Manitoba", "region"), ("Leeds", "unknown")],
)
def test_places_are_told_apart_by_iso_3166(name: str, kind: str) -> None:
    assert place_kind(name) == kind


def test_a_place_of_the_wrong_kind_does_not_answer_which_country_or_which_city() -> None:
    assert not fits_place_kind("Ohio", "country") and fits_place_kind("Portugal", "country")
    assert fits_place_kind("Britain", "country")  # unknown to ISO 3166 by that name: never refused for it
    assert not fits_place_kind("Portugal", "city") and not fits_place_kind("Manitoba", "city")
    assert fits_place_kind("Leeds", "city") and fits_place_kind("Ohio", None)
    assert parse_query("Which nation won the most medals?").place_kind == "country"
    assert parse_query("Which town flooded on Sunday?").place_kind == "city"
    assert parse_query("Which company bought the mill?").place_kind is None


def test_a_country_does_not_answer_which_state_and_dotted_codes_are_countries() -> None:
    assert parse_query("Which state passed the ballot measure?").place_kind == "region"
    assert not fits_place_kind("the United States", "region") and fits_place_kind("Ohio", "region")
    assert place_kind("U.S.") == "country"  # the code "US" written with dots
    assert not fits_place_kind("U.S.", "city")


def test_a_possessive_is_not_part_of_a_persons_or_a_places_name() -> None:
    found = {e.text: e.label for e in entities("Marta Kowalczyk's speech moved the crowd in New Orleans' old quarter.")}
    assert "Marta Kowalczyk" in found and "Marta Kowalczyk's" not in found
    assert not any(text.endswith("'") for text in found)


def test_a_year_by_itself_is_no_answer_to_how_many() -> None:
    query = parse_query("How many ferries crossed the strait in the early 1890s?")
    found = [text for text, _, _ in typed_candidates(query, "In 1893, 14 ferries crossed the strait every day.", None)]
    assert found == ["14"]


def test_a_quiz_stem_is_typed_by_its_last_sentence() -> None:
    question = "The river burst its banks twice in one month. Who is the engineer in charge of the dam?"
    assert parse_query(question).qtype == "person"
    assert "river" in parse_query(question).terms  # the opening sentence is still searched
    assert parse_query("Officials met in Oslo. Which country hosted the talks?").entity_labels == {"GPE"}


def test_a_number_that_counts_something_else_does_not_answer_how_many() -> None:
    counted = parse_query("How many lanes will the new bridge have?").counted
    assert counts_something_else(" months of work", counted)  # "four months of work"
    assert counts_something_else(" U.S. cities", counted)  # capitalised words between do not hide it
    assert not counts_something_else(" lanes in each direction", counted)
    assert not counts_something_else(" new lanes", counted)  # an adjective before the counted noun
    assert not counts_something_else(", officials said", counted)  # another clause, nothing counted
    assert not counts_something_else(" percent", counted) and not counts_something_else(" of them", counted)
    assert not counts_something_else(" months", set())  # the question counts nothing named


def test_a_surname_is_answered_with_the_full_name_the_article_gave() -> None:
    article = "Coach Maria Delgado praised the team. Later, Delgado said the season was over."
    assert full_name("Delgado", article) == "Maria Delgado"
    two = "Judge Ana Delgado ruled. Her husband, Luis Delgado, was not in court. Delgado said nothing."
    assert full_name("Delgado", two) == "Delgado"  # two of that surname: unchanged
    assert full_name("Maria Delgado", article) == "Maria Delgado"


def test_how_much_is_answered_in_units_how_many_by_the_counted_noun() -> None:
    assert parse_query("How many trucks did the convoy have?").asks_count
    assert not parse_query("How much grain did the ship carry?").asks_count  # "40,000 tonnes of grain" answers


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("A twenty-two-year-old striker scored twice.", [22.0]),  # spaCy's like_num finds it, text2num reads it
        ("The ferry carries 1 million passengers a year.", [1_000_000.0]),  # "million" is not a second number
        ("She signed a six-month loan and a three-year deal.", [6.0, 3.0]),
        ("Half a dozen lanes and a dozen bridges reopened.", [6.0, 12.0]),
        ("It was the club's thirty-fifth title; the second step came later.", [35.0]),  # "second" is rarely a count
        ("Nineteen eighty-four sold forty million copies.", [19.0, 84.0, 40_000_000.0]),  # not one number
    ],
)
def test_number_words_are_read_by_the_libraries(text: str, values: list[float]) -> None:
    from assistant.text.numbers import find_numbers

    assert [n.value for n in find_numbers(text)] == values


def test_ordinal_words_are_marked_ordinal() -> None:
    from assistant.text.numbers import find_numbers

    found = find_numbers("The first ferry and the twenty-first bridge")
    assert [(n.text, n.value, n.ordinal) for n in found] == [("first", 1.0, True), ("twenty-first", 21.0, True)]


def test_stop_words_come_from_nltk_and_keep_verbs_that_look_like_contractions() -> None:
    from assistant.text.terms import STOPWORDS, content_terms

    assert {"because", "during", "herself", "according", "article"} <= STOPWORDS  # NLTK's list and framing words
    # "won" of "won't" is not dropped
    assert content_terms("Who won the regional election?") == ["win", "region", "elect"]


@pytest.mark.parametrize(
    ("form", "base"), [("flew", "fly"), ("held", "hold"), ("rode", "ride"), ("swore", "swear"), ("sank", "sink")]
)
def test_irregular_verbs_share_a_term_with_their_base_form(form: str, base: str) -> None:
    from assistant.text.terms import stem

    assert stem(form) == stem(base)


def test_a_word_that_is_its_own_base_form_is_not_rewritten() -> None:
    from assistant.text.terms import stem

    assert stem("crew") != stem("crow")  # "crew" is also a past tense of "crow"


def test_no_before_a_number_is_the_numero_sign_not_a_sentence_end() -> None:
    text = "Former world No. 1 player Ana Ruiz withdrew from the semifinal. Her coach said no. Then he left."
    assert [s.text for s in split_sentences(text)] == [
        "Former world No. 1 player Ana Ruiz withdrew from the semifinal.",
        "Her coach said no.",
        "Then he left.",
    ]
