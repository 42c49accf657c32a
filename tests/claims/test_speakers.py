"""Who the speaker is: speaker spans resolved to entities (Context.source, Context.resolve)."""

from claims.conftest import one


def test_pronoun_speaker_resolves_to_last_person():
    one(
        "Sara Lind met the press in Oslo. “We are not done yet,” she said.",
        kind="direct",
        speaker="she",
        entity="Sara Lind",
    )


def test_role_description_speaker():
    one(
        "Foreign Minister Ivan Petrov arrived in Vienna. The foreign minister said talks would resume.",
        kind="indirect",
        entity="Ivan Petrov",
        contains="talks would resume",
    )


def test_organisation_speaker():
    one(
        "The Health Ministry said the vaccine supply was sufficient.",
        kind="indirect",
        contains="the vaccine supply was sufficient",
        speaker="The Health Ministry",
    )


def test_government_side_resolves_to_country():
    one(
        "Talks ended. The American side requested that the minutes stay private.",
        kind="indirect",
        entity="United States",
        contains="the minutes stay private",
    )


def test_unresolved_speaker_stays_null():
    c = one("“It was a disaster,” one witness said.", kind="direct")
    assert c["entity"] is None and c["speaker"] == "one witness"
