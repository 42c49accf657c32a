""" "it is unclear whether …" (constructions/it_is_clear.py)."""

from claims.conftest import one


def test_it_is_unclear_whether():
    one(
        "But it was unclear whether the judges would rule on the case this year.",
        cue="it was unclear whether",
        speaker=None,
        content="the judges would rule on the case this year",
    )
    one(
        "It is apparent that the mayor wanted to hide the report.",
        cue="It is apparent",
        speaker=None,
        content="that the mayor wanted to hide the report",
    )


def test_it_is_unclear_whether_on_a_fixed_parse():
    from claims.conftest import claims_in, fixed_doc

    doc = fixed_doc(
        ["It", "is", "unclear", "whether", "the", "talks", "will", "resume", "."],
        heads=[1, 1, 1, 7, 5, 7, 7, 1, 1],
        deps=["nsubj", "ROOT", "acomp", "mark", "det", "nsubj", "aux", "ccomp", "punct"],
        pos=["PRON", "AUX", "ADJ", "SCONJ", "DET", "NOUN", "AUX", "VERB", "PUNCT"],
        lemmas=["it", "be", "unclear", "whether", "the", "talk", "will", "resume", "."],
    )
    assert claims_in(doc) == [
        {
            "kind": "indirect",
            "speaker": None,
            "entity": None,
            "cue": "It is unclear whether",
            "content": "the talks will resume",
            "fragments": 1,
        }
    ]
