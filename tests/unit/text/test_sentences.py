from assistant.text.sentences import split_sentences


def test_offsets_are_exact_and_abbreviations_do_not_split() -> None:
    text = "It docked on Feb. 14 at 3:15 p.m. EST. The crew, led\nby Jessica Meir, arrived.\n\nREAD MORE: x"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "It docked on Feb. 14 at 3:15 p.m. EST.",
        "The crew, led\nby Jessica Meir, arrived.",
        "READ MORE: x",
    ]
    for s in sentences:
        assert text[s.start : s.end] == s.text


def test_time_followed_by_place_stays_in_sentence_but_real_end_splits() -> None:
    text = "Docking is on Saturday around 3 a.m. New York time. Then it leaves at 4 p.m. The crew sleeps."
    assert [s.text for s in split_sentences(text)] == [
        "Docking is on Saturday around 3 a.m. New York time.",
        "Then it leaves at 4 p.m.",
        "The crew sleeps.",
    ]


def test_headings_and_bullets_are_their_own_sentences() -> None:
    text = "## Key Takeaways\n* First point.\n* Second point without period\nTitle line\nBody."
    assert [s.text for s in split_sentences(text)][:3] == [
        "## Key Takeaways",
        "* First point.",
        "* Second point without period",
    ]
