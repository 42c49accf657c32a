""" "known as" (constructions/known_as.py)."""

from claims.conftest import one


def test_known_as_names_without_a_source():
    one(
        "He won several states in the group of contests known as Super Tuesday.",
        speaker=None,
        cue="known as",
        content="the group of contests Super Tuesday",
        fragments=2,
    )
    one(
        "The bill, known as the Clean Air Act, passed.",
        speaker=None,
        cue="known as",
        content="the Clean Air Act",
    )


def test_known_as_on_a_fixed_parse():
    from claims.conftest import claims_in, fixed_doc

    doc = fixed_doc(
        ["They", "passed", "the", "bill", "known", "as", "the", "Dream", "Act", "."],
        heads=[1, 1, 3, 1, 3, 4, 8, 8, 5, 1],
        deps=["nsubj", "ROOT", "det", "dobj", "acl", "prep", "det", "compound", "pobj", "punct"],
        pos=["PRON", "VERB", "DET", "NOUN", "VERB", "ADP", "DET", "PROPN", "PROPN", "PUNCT"],
        lemmas=["they", "pass", "the", "bill", "know", "as", "the", "Dream", "Act", "."],
        tags=["PRP", "VBD", "DT", "NN", "VBN", "IN", "DT", "NNP", "NNP", "."],
    )
    assert claims_in(doc) == [
        {
            "kind": "indirect",
            "speaker": None,
            "entity": None,
            "cue": "known as",
            "content": "the bill the Dream Act",
            "fragments": 2,
        }
    ]
