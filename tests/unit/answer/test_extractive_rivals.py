"""A typed answer needs a margin over rivals in other sentences; the same answer written another
way ("Qantas Airways" / "Qantas", "twelve" / "12") is not a rival."""

from __future__ import annotations

from assistant.answer.extractive import ExtractiveGenerator
from assistant.query.query import parse_query
from assistant.types import Chunk, Passage


def _passages(*texts: str) -> list[Passage]:
    return [
        Passage(n, Chunk(id=f"c{n}", file=f"{n}.txt", text=text, start=0, end=len(text)))
        for n, text in enumerate(texts, start=1)
    ]


def test_a_shorter_name_of_the_same_airline_is_not_a_rival() -> None:
    passages = _passages(
        "Hundreds of pilots from Qantas Airways picketed outside the terminal on Tuesday.",
        "Pilots of Qantas picketed outside the terminal again on Wednesday.",
    )
    draft = ExtractiveGenerator().generate(
        parse_query("Which airline's pilots picketed outside the terminal?"), passages
    )
    assert draft.short_answer in {"Qantas Airways", "Qantas"}, draft.text


def test_a_number_in_words_and_in_digits_is_one_answer() -> None:
    passages = _passages(
        "The harbour authority bought twelve electric ferries for the river crossing.",
        "In all, 12 electric ferries were bought by the harbour authority.",
    )
    draft = ExtractiveGenerator().generate(
        parse_query("How many electric ferries did the harbour authority buy?"), passages
    )
    assert not draft.abstained and draft.short_answer is not None, draft.text
    assert draft.short_answer.split()[0] in {"twelve", "12"}


def test_two_different_airlines_in_equal_sentences_are_a_coin_toss() -> None:
    passages = _passages(
        "Hundreds of pilots from Qantas picketed outside the terminal on Tuesday.",
        "Hundreds of pilots from Lufthansa picketed outside the terminal on Tuesday.",
    )
    draft = ExtractiveGenerator().generate(
        parse_query("Which airline's pilots picketed outside the terminal?"), passages
    )
    assert draft.abstained, draft.text


def test_a_surname_answer_takes_the_full_name_another_article_gives() -> None:
    passages = _passages(
        "Kowalczyk stepped down as head coach of the rowing club on Monday, the club said.",
        "Marta Kowalczyk, who led the rowing club to three titles, stepped down on Monday.",
    )
    query = parse_query("Which head coach of the rowing club stepped down on Monday?")
    draft = ExtractiveGenerator().generate(query, passages)
    assert draft.short_answer == "Marta Kowalczyk", draft.text


def test_a_name_from_a_sentence_about_another_mission_is_no_rival() -> None:
    passages = _passages(
        "Riding on Ax-5 are pilot Tomasz Nowak and mission specialist Ingrid Halvorsen of Norway.",
        # The article is also about Ax-5, so its Ax-6 sentence scores close to the answer's.
        "Ax-5 landed on Sunday. Next, mission specialist Chen Wei flew on Ax-6 with pilot Rafael Ortega.",
    )
    draft = ExtractiveGenerator().generate(parse_query("Which mission specialist flew on Ax-5?"), passages)
    assert draft.short_answer == "Ingrid Halvorsen", draft.text


def test_a_one_word_name_no_article_writes_in_full_is_no_rival_to_a_full_name() -> None:
    # The small recogniser calls "Oscar" in "Oscar acceptance speech" a person; no passage names an
    # Oscar in full, while "Dvorak" is Marek Dvorak in another article.
    passages = _passages(
        "As a result, Dvorak broke the record for the longest acceptance speech in the history of the film awards.",
        "Dvorak's Oscar acceptance speech broke the record as the longest in the history of the film awards.",
        "Marek Dvorak, 51, grew up in Brno and studied drama in Prague.",
    )
    query = parse_query(
        "Which actor broke the record for the longest acceptance speech in the history of the film awards?"
    )
    draft = ExtractiveGenerator().generate(query, passages)
    assert draft.short_answer == "Marek Dvorak", draft.text


AX9_CREW = (
    "The Ax-9 mission, led by Priya Raman, includes astronauts Tomas Lind and Lena Ortiz, "
    "and Roscosmos cosmonaut Sergei Ivanov."
)


def test_a_synonym_of_a_generic_word_does_not_pull_the_answer() -> None:
    # "astronaut" is generic in space news; its synonym "cosmonaut" must not make the cosmonaut
    # the commander just because the word stands next to his name.
    passages = _passages(AX9_CREW)
    draft = ExtractiveGenerator().generate(parse_query("Which astronaut commands Ax-9?"), passages)
    assert draft.short_answer == "Priya Raman", draft.text


def test_the_question_s_own_word_still_pulls_when_it_is_a_synonym() -> None:
    passages = _passages(AX9_CREW)
    draft = ExtractiveGenerator().generate(parse_query("Which Roscosmos cosmonaut flies on Ax-9?"), passages)
    assert draft.short_answer == "Sergei Ivanov", draft.text
