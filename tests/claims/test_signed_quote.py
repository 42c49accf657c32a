"""Signed quotes (constructions/signed_quote.py): "“…” ― Ana Ruiz"."""

from claims.conftest import one


def test_quote_signed_with_a_dash():
    one(
        "Readers wrote in.\n“She will win the state easily.” ― Carlos Mendez\n",
        kind="direct",
        cue="―",
        speaker="Carlos Mendez",
        content="“She will win the state easily.”",
    )


def test_closing_mark_typed_as_an_opening_one():
    one(
        "”We will appeal the ruling.” ― Maria Ortiz",
        kind="direct",
        speaker="Maria Ortiz",
        cue="―",
        content="”We will appeal the ruling.”",
    )
