"""Polls (constructions/poll.py): "In a CBS News poll, she led by 10 points"."""

from claims.conftest import one


def test_more_reporting_verbs():
    one(
        "Governor Ann Lee reminded voters that the polls close at eight.",
        speaker="Governor Ann Lee",
        cue="reminded",
        content="that the polls close at eight",
    )
    one(
        "Senator Bo Kent voiced concern about the new budget.",
        speaker="Senator Bo Kent",
        cue="voiced",
        content="concern about the new budget",
    )
    one(
        "Many farmers think the new tariff will hurt exports.",
        speaker="Many farmers",
        cue="think",
        content="the new tariff will hurt exports",
    )


def test_in_a_poll_at_the_start_of_the_sentence():
    one(
        "In a Gallup poll released on Monday, the senator led her rival by nine points.",
        cue="In",
        speaker="a Gallup poll released on Monday",
        content="the senator led her rival by nine points",
    )


def test_in_a_poll_at_the_end_of_the_sentence():
    one(
        "The senator led her rival by nine points in a recent Gallup poll.",
        cue="in",
        content="The senator led her rival by nine points",
    )


def test_according_to_content_without_an_opening_connective():
    one(
        "Still, almost two in three voters now view the mayor favorably, according to a Gallup poll.",
        cue="according to",
        content="almost two in three voters now view the mayor favorably",
    )
