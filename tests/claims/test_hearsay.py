"""Hearsay adverbs (constructions/hearsay.py): "reportedly", "allegedly"."""

from claims.conftest import one


def test_reportedly_is_a_cue_without_a_source():
    c = one(
        "The Club for Growth is reportedly spending $1.5 million on television advertisements ahead of the "
        "primary.",
        cue="reportedly",
        speaker=None,
    )
    assert c["fragments"] == 2 and c["content"] == (
        "The Club for Growth is spending $1.5 million on television advertisements ahead of the primary"
    )
    one("Trump reportedly said he would win.", cue="reportedly said", content="he would win")


def test_reportedly_on_a_fixed_parse():
    from claims.conftest import claims_in, fixed_doc

    doc = fixed_doc(
        ["The", "group", "is", "reportedly", "spending", "money", "."],
        heads=[1, 4, 4, 4, 4, 4, 4],
        deps=["det", "nsubj", "aux", "advmod", "ROOT", "dobj", "punct"],
        pos=["DET", "NOUN", "AUX", "ADV", "VERB", "NOUN", "PUNCT"],
        lemmas=["the", "group", "be", "reportedly", "spend", "money", "."],
    )
    assert claims_in(doc) == [
        {
            "kind": "indirect",
            "speaker": None,
            "entity": None,
            "cue": "reportedly",
            "content": "The group is spending money",
            "fragments": 2,
        }
    ]
