"""The CoNLL NER evaluation: reading, span conversion, scoring, offsets, and one
run of the command on a few documents of the CoNLL-2003 dev set (skipped when it is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsclaims.evaluation import ner
from newsclaims.evaluation.conll import gold_spans, iob_spans, read_conll, render
from newsclaims.evaluation.ner import Counts, body_index, map_label, project, score

REPO = Path(__file__).resolve().parents[2]
TESTA = REPO.parent / "shared" / "eval" / "conll2003_en" / "eng.testa"

SAMPLE = """\
SOCCER NN I-NP O
- : O O
JAPAN NNP I-NP I-LOC
WIN VB I-VP O
. . O O

TOKYO NNP I-NP I-LOC
1996-12-06 CD I-NP O

Hiroshige NNP I-NP I-PER
Yanagimoto NNP I-NP I-PER
scored VBD I-VP O
for IN I-PP O
Japan NNP I-NP I-LOC
against IN I-PP O
Syria NNP I-NP I-LOC
. . O O

-DOCSTART- -X- -X- O

Bonn NNP I-NP I-LOC
Paris NNP I-NP B-LOC
Deutsche NNP I-NP I-ORG
Bank NNP I-NP I-ORG

-DOCSTART- -X- -X- O
"""


@pytest.fixture()
def sample(tmp_path) -> Path:
    p = tmp_path / "sample.conll"
    p.write_text(SAMPLE, encoding="utf-8")
    return p


# --- reading and spans ---------------------------------------------------------------------------


def test_iob1_and_iob2_spans():
    # IOB1: I- starts an entity after O or another type; B- only splits two same-type entities
    assert iob_spans(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"]) == [
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "LOC"),
        (5, 6, "ORG"),
    ]
    # IOB2 gives the same spans
    assert iob_spans(["B-PER", "I-PER", "O", "B-LOC", "B-LOC", "B-ORG"]) == [
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "LOC"),
        (5, 6, "ORG"),
    ]
    assert iob_spans(["O", "O"]) == []
    assert iob_spans(["I-MISC"]) == [(0, 1, "MISC")]


def test_read_conll_documents_sentences_and_docstart_at_end(sample):
    docs = read_conll(sample)
    assert [len(d.tokens) for d in docs] == [15, 4]  # the trailing -DOCSTART- makes no empty doc
    assert docs[0].doc_id == "sample.conll:0001"
    assert docs[0].sentences == [(0, 5), (5, 7), (7, 15)]
    text, offsets = render(docs[0])
    assert text.startswith("SOCCER - JAPAN WIN .\n\nTOKYO 1996-12-06\n\nHiroshige Yanagimoto")
    for tok, (s, e) in zip(docs[0].tokens, offsets):
        assert text[s:e] == tok
    gold = gold_spans(docs[0], offsets)
    assert [(text[g.start : g.end], g.label) for g in gold] == [
        ("JAPAN", "LOC"),
        ("TOKYO", "LOC"),
        ("Hiroshige Yanagimoto", "PER"),
        ("Japan", "LOC"),
        ("Syria", "LOC"),
    ]
    text2, off2 = render(docs[1])
    assert [(text2[g.start : g.end], g.label) for g in gold_spans(docs[1], off2)] == [
        ("Bonn", "LOC"),
        ("Paris", "LOC"),
        ("Deutsche Bank", "ORG"),
    ]


def test_entities_do_not_cross_sentences(tmp_path):
    p = tmp_path / "x.conll"
    p.write_text("A NNP I-NP I-PER\n\nB NNP I-NP I-PER\n", encoding="utf-8")
    d = read_conll(p)[0]
    _, off = render(d)
    assert len(gold_spans(d, off)) == 2


def test_label_mapping():
    assert map_label("PERSON") == "PER"
    assert map_label("ORG") == "ORG"
    assert {map_label(x) for x in ("GPE", "LOC", "FAC")} == {"LOC"}
    assert {map_label(x) for x in ("NORP", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE")} == {"MISC"}
    assert map_label("DATE") is None and map_label("CARDINAL") is None


# --- scoring --------------------------------------------------------------------------------------


def test_score_exact_match_per_type_and_micro():
    gold = {("d", 0, 5, "PER"), ("d", 10, 15, "LOC"), ("d", 20, 25, "ORG")}
    pred = {
        ("d", 0, 5, "PER"),  # tp
        ("d", 10, 14, "LOC"),  # boundary: fp + fn
        ("d", 20, 25, "LOC"),  # wrong type: fp LOC + fn ORG
        ("d", 30, 35, "MISC"),
    }  # spurious
    s = score(gold, pred)
    assert (s["PER"].tp, s["PER"].fp, s["PER"].fn) == (1, 0, 0)
    assert (s["LOC"].tp, s["LOC"].fp, s["LOC"].fn) == (0, 2, 1)
    assert (s["ORG"].tp, s["ORG"].fp, s["ORG"].fn) == (0, 0, 1)
    assert (s["MISC"].tp, s["MISC"].fp, s["MISC"].fn) == (0, 1, 0)
    o = s["overall"]
    assert (o.tp, o.fp, o.fn) == (1, 3, 2)
    assert o.precision == pytest.approx(0.25) and o.recall == pytest.approx(1 / 3)
    assert o.f1 == pytest.approx(2 * 0.25 * (1 / 3) / (0.25 + 1 / 3))


def test_counts_empty_is_zero_not_error():
    c = Counts()
    assert (c.precision, c.recall, c.f1) == (0.0, 0.0, 0.0)
    assert ner.prf(3, 1, 0) == pytest.approx((0.75, 1.0, 2 * 0.75 / 1.75))


# --- raw text <-> body ----------------------------------------------------------------------------


def test_projection_through_the_normaliser():
    from newsclaims.ingest.normalize import normalise

    raw = (
        "SOCCER - JAPAN WIN .\n\nTOKYO 1996-12-06\n\nHiroshige Yanagimoto scored for Japan .\n\n"
        "Syria lost in Al Ain .\n"
    )
    norm = normalise(raw)
    idx = body_index(raw, norm.body, norm.body_map)
    s = raw.index("Hiroshige Yanagimoto")
    pr = project(s, s + len("Hiroshige Yanagimoto"), idx)
    assert pr is not None and norm.body[pr[0] : pr[1]] == "Hiroshige Yanagimoto"
    s = raw.index("Al Ain")  # crosses the copy of one space: still contiguous
    pr = project(s, s + 6, idx)
    assert pr is not None and norm.body[pr[0] : pr[1]] == "Al Ain"
    # the headline is the title, not the body: never projected
    assert project(raw.index("JAPAN"), raw.index("JAPAN") + 5, idx) is None


def test_project_rejects_partial_and_non_contiguous():
    idx = {0: 0, 1: 1, 2: 2, 5: 10, 6: 11}
    assert project(0, 3, idx) == (0, 3)
    assert project(0, 4, idx) is None  # raw char 3 not in the body
    assert project(2, 6, idx) is None  # copy jumps


# --- the command on real data ----------------------------------------------------------------------


@pytest.mark.skipif(not TESTA.is_file(), reason="shared CoNLL-2003 dev set not present")
def test_command_on_a_few_dev_documents(tmp_path, capsys):
    out = tmp_path / "ner.json"
    rc = ner.main(
        [
            str(TESTA),
            "--limit-docs",
            "4",
            "--json",
            str(out),
            "--errors",
            "2",
            "--workdir",
            str(tmp_path / "work"),
        ]
    )
    assert rc == 0
    data = json.loads(out.read_text())
    assert data["n_documents"] == 4
    assert sum(data["documents"].values()) == 4
    assert data["gold_scored"] > 50 and data["gold_not_scored"] >= 1  # the headlines are not scored
    for system in ("raw spaCy", "pipeline"):
        o = data["scores"][system]["overall"]
        assert o["tp"] + o["fn"] == data["gold_scored"]
        assert o["tp"] > 0
    printed = capsys.readouterr().out
    assert "raw spaCy" in printed and "pipeline" in printed and "overall" in printed
    # the texts went through the pipeline as files: one text file per document
    assert len(list((tmp_path / "work" / "docs").glob("*.txt"))) == 4
    # refusing to reuse a folder that already holds a run
    assert ner.main([str(TESTA), "--limit-docs", "1", "--workdir", str(tmp_path / "work")]) == 2
