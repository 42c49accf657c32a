"""The quotation finder (quotes.py): marks, paragraph continuation, titles in quotation marks."""

from claims.conftest import claims_of, one


def test_multi_paragraph_quote():
    text = (
        "Judge Amy Cole read her ruling. “The law is clear on this point.\n\n"
        "“The defendant must be released,” Cole said."
    )
    c = one(text, kind="direct", speaker="Cole")
    assert c["entity"] is not None and "Cole" in c["entity"] and c["fragments"] == 2
    assert "law is clear" in c["content"] and "must be released" in c["content"]


def test_two_apostrophes_are_quotation_marks():
    c = one(
        "Erik Lund spoke after the vote. ''We will win the next one,'' Mr. Lund said. ''Nothing changes.''",
        kind="direct",
        cue="said",
    )
    assert c["content"].startswith("''We will win") and "Nothing changes" in c["content"]


def test_show_title_in_quotes_is_no_quote():
    one(
        "Appearing on “Meet the Voters,” Ola Dahl said taxes would rise.",
        cue="said",
        content="taxes would rise",
    )
    assert not [
        c
        for c in claims_of("Appearing on “Meet the Voters,” Ola Dahl said taxes would rise.")
        if "Meet the Voters" in c["content"]
    ]
