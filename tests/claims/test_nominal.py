"""Nominal cues (constructions/nominal.py): "Trump's claim that …"."""

from claims.conftest import one


def test_nominal_cue_with_possessive_source():
    one(
        "Ola Dahl's claim that the bridge was unsafe angered the council.",
        cue="claim",
        speaker="Ola Dahl's",
        entity="Ola Dahl",
        contains="that the bridge was unsafe",
    )
    one(
        "The mayor's criticism of the new budget was sharp.",
        cue="criticism of",
        speaker="The mayor's",
        content="the new budget",
    )


def test_cue_verb_tagged_as_a_noun():
    one(
        "But Trump claims that he should be the exception.",
        speaker="Trump",
        cue="claims",
        content="that he should be the exception",
    )
