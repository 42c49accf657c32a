""" "X made (it) clear that …" (constructions/made_clear.py)."""

from claims.conftest import one


def test_made_clear_that_clause():
    c = one(
        "The governor made it clear that she would not sign the budget bill.",
        cue="made it clear",
        speaker="The governor",
    )
    assert c["content"] == "that she would not sign the budget bill"
