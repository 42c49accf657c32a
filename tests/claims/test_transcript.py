"""Transcript lines (constructions/transcript.py): "PENCE: …"."""

from claims.conftest import one


def test_transcript_line():
    text = (
        "The debate went on for an hour.\nPENCE: And that is why we will win the state.\nThe crowd cheered."
    )
    one(text, kind="direct", speaker="PENCE", cue=":", content="And that is why we will win the state.")


def test_source_keeps_party_label_and_relative_clause_but_not_one_with_its_own_cue():
    one("Sen. Ann Pike (R-Ohio) said the vote was delayed.", speaker="Sen. Ann Pike (R-Ohio)")
    one(
        "Ann Pike, who lives in Toledo, said the vote was delayed.",
        speaker="Ann Pike, who lives in Toledo,",
        entity="Ann Pike",
    )
    one(
        "Ann Pike, who said she was tired, denied the vote was delayed.",
        cue="denied",
        speaker="Ann Pike",
        entity="Ann Pike",
    )


def test_transcript_turn_keeps_its_final_period():
    text = (
        "The interview went on.\n\nBAINES: We balanced the budget. We will do it again.\n\nHOST: Thank you."
    )
    one(text, speaker="BAINES", content="We balanced the budget. We will do it again.")
