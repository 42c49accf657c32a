"""Source phrases (constructions/source_phrase.py): "according to X, …"."""

from claims.conftest import claims_of, one


def test_according_to():
    one(
        "Jon Alvarez is a senator. According to Alvarez, the bill has enough votes.",
        kind="indirect",
        cue="According to",
        entity="Jon Alvarez",
        contains="the bill has enough votes",
    )


def test_closing_mark_of_the_paragraph_before_is_no_part_of_the_content():
    text = 'He said: "We will win."\n\nThe police said they have no plans to release the video.'
    c = one(text, cue="said", speaker="The police")
    assert c["content"] == "they have no plans to release the video"
    found = claims_of(
        'The mayor spoke."\n\nOfficials have said they have no plans to release the video, '
        "according to the city."
    )
    assert not any(c["content"].startswith('"') for c in found)


def test_according_to_in_the_middle_gives_two_fragments():
    c = one(
        "Over the long term, according to the budget office, the rise in debt comes from aging.",
        cue="according to",
        speaker="the budget office",
    )
    assert c["fragments"] == 2 and c["content"] == "Over the long term the rise in debt comes from aging"
    one("The plan failed, according to Ann Pike.", cue="according to", content="The plan failed")


def test_according_to_at_the_end_starts_after_a_sentence_break_the_parser_missed():
    one(
        "Tourism has recovered: Lisbon had more visitors than ever in 2023, according to the national "
        "statistics office.",
        cue="according to",
        speaker="the national statistics office",
        content="Lisbon had more visitors than ever in 2023",
    )


def test_according_to_content_stays_in_its_paragraph():
    c = one(
        "9:35 a.m.\nThe bridge will reopen next week, according to the city engineer.", cue="according to"
    )
    assert c["content"] == "The bridge will reopen next week"


def test_in_the_words_of_is_a_source_phrase():
    # added as one line of cues.toml (source_phrases)
    c = one(
        "In the words of Mayor Tom Baines, the budget is a disgrace.",
        cue="In the words of",
        speaker="Mayor Tom Baines",
    )
    assert c["content"] == "the budget is a disgrace"
