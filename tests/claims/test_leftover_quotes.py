"""Quotes no construction claimed (constructions/leftover_quotes.py)."""

from claims.conftest import claims_of, one


def test_quote_continued_after_attribution_in_same_paragraph():
    c = one(
        "“The talks failed,” Nora Quist said. “We will try again in June.”",
        kind="direct",
        entity="Nora Quist",
    )
    assert c["fragments"] == 2 and "try again in June" in c["content"]
    assert len(claims_of("“The talks failed,” Nora Quist said. “We will try again in June.”")) == 1


def test_continue_is_a_cue_only_next_to_a_quote():
    assert not claims_of("The rain continued to fall on the city.")
    one("“We are not done,” Lena Holm continued.", kind="direct", cue="continued", speaker="Lena Holm")


def test_scare_quote_in_a_copular_sentence_is_no_claim():
    assert not claims_of("Maria Keller is the mayor. The old bridge is “historic” and closed.")


def test_second_verb_hung_on_the_cue_continues_the_clause():
    one(
        "Ines Berg says she is proud of the team and hopes to stay.",
        cue="says",
        content="she is proud of the team and hopes to stay",
    )


def test_second_that_clause_continues_the_content():
    one(
        "Ola Dahl said that wages would fall, but that overtime would offset the loss.",
        cue="said",
        content="that wages would fall, but that overtime would offset the loss",
    )


def test_quote_left_over_in_a_reported_clause_joins_that_claim():
    found = [
        c
        for c in claims_of(
            "Ola Dahl says he is so distressed by the campaign -- “an insult to voters” -- that he may run."
        )
        if c["cue"] == "says"
    ]
    assert len(found) == 1 and "an insult to voters" in found[0]["content"]


def test_modal_verb_after_but_continues_the_reported_clause():
    c = one(
        "The Tax Policy Center says it would depress revenue in the early years as investors delayed sales, "
        "but would eventually add $84 billion over 10 years.",
        cue="says",
    )
    assert c["content"].endswith("but would eventually add $84 billion over 10 years")
