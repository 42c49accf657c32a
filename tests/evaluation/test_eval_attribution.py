"""Attribution evaluation (PolNeAR format): brat parsing, span normalisation, scores, the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsclaims.evaluation.attribution import (
    Attribution,
    Document,
    Tokens,
    attribution_scores,
    error_analysis,
    format_errors,
    jaccard,
    load_gold,
    main,
    match_one_to_one,
    normalize_span,
    outer_span,
    parse_ann,
    role_scores,
)

EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
POLNEAR_DEV = EVAL_DIR / "polnear" / "dev"


def spans(text: str, *parts: str) -> tuple[tuple[int, int], ...]:
    """Fragments of the (first) occurrences of ``parts`` in ``text``."""
    out = []
    for p in parts:
        i = text.index(p)
        out.append((i, i + len(p)))
    return tuple(out)


def prefix(text: str, part: str, n: int) -> tuple[tuple[int, int], ...]:
    """The first ``n`` characters of the first occurrence of ``part``."""
    i = text.index(part)
    return ((i, i + n),)


def ann_line(tid: str, label: str, text: str, *parts: str) -> str:
    frags = spans(text, *parts)
    return f"{tid}\t{label} " + ";".join(f"{s} {e}" for s, e in frags) + "\t" + " ".join(parts)


# --- brat -------------------------------------------------------------------------------------------

TEXT = (
    "Title of the piece\n\n"
    '"We will win," Smith said, "and soon." The mayor said that taxes will fall.\n'
    "Prices rose, according to the bank."
)


def test_parse_ann_relations_discontinuous_and_noise():
    ann = "\n".join(
        [
            ann_line("T1", "Content", TEXT, '"We will win,"', '"and soon."'),
            ann_line("T2", "Source", TEXT, "Smith"),
            ann_line("T3", "Cue", TEXT, "said,"),
            ann_line("T4", "Attribution", TEXT, "said,"),
            "E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2",
            ann_line("T5", "Source", TEXT, "The mayor"),
            ann_line("T6", "Cue", TEXT, "said that"),
            ann_line("T7", "Content", TEXT, "taxes will fall"),
            "T8\tDiscuss 0 5\tTitle",
            "#1\tAnnotatorNotes T8\tnot sure",
            "continuation line of a multi-line span text",
            "E2\tAttribution:T6 Source:T5 Cue:T6 Content:T7",
            ann_line("T9", "Cue", TEXT, "according to"),
            ann_line("T10", "Content", TEXT, "Prices rose"),
            ann_line("T11", "Content", TEXT, "the bank"),  # a second content part (Content2)
            "E3\tAttribution-no-source:T9 Content:T10 Cue:T9 Content2:T11",
            "E4\tAttribution:T9 Cue:T9",  # no content: dropped
        ]
    )
    atts = parse_ann(ann)
    assert len(atts) == 3
    a, b, c = atts
    assert a.content == spans(TEXT, '"We will win,"', '"and soon."')
    assert a.source == spans(TEXT, "Smith") and a.cue == spans(TEXT, "said,")
    assert b.source == spans(TEXT, "The mayor") and b.content == spans(TEXT, "taxes will fall")
    assert c.source is None
    assert c.content == tuple(sorted(spans(TEXT, "Prices rose", "the bank")))


def test_parse_ann_crlf_and_unknown_refs():
    ann = "T1\tContent 0 5\tTitle\r\nE1\tAttribution:T9 Content:T1 Source:T7\r\n"
    (a,) = parse_ann(ann)
    assert a.content == ((0, 5),) and a.source is None and a.cue is None


# --- spans ------------------------------------------------------------------------------------------


def test_normalize_span_strips_merges_and_drops():
    text = "  ab  \n cd ; ef  "
    assert normalize_span(text, [(0, 6)]) == ((2, 4),)
    # fragments separated only by whitespace merge; overlapping ones too
    assert normalize_span(text, [(8, 10), (0, 5)]) == ((2, 10),)
    assert normalize_span(text, [(2, 4), (13, 15)]) == ((2, 4), (13, 15))
    assert normalize_span(text, [(0, 2), (5, 7)]) == ()
    assert outer_span(((2, 4), (13, 15))) == ((2, 15),)


def test_tokens_ignore_punctuation_unless_nothing_else():
    text = 'He said: "Go."'
    tok = Tokens(text)
    assert tok.of(spans(text, '"Go."')) == tok.of(spans(text, "Go"))
    colon = tok.of(spans(text, ":"))
    assert len(colon) == 1 and colon.isdisjoint(tok.of(spans(text, "said")))
    assert tok.of(None) == frozenset()
    assert jaccard(tok.of(spans(text, "He said")), tok.of(spans(text, "said"))) == 0.5
    assert jaccard(frozenset(), frozenset({1})) == 0.0


def test_match_one_to_one_prefers_best_pairs():
    g = [frozenset({1, 2, 3, 4}), frozenset({5, 6})]
    p = [frozenset({1, 2, 3}), frozenset({1, 2, 3, 4}), frozenset({5, 6, 7, 8, 9})]
    # p1 is the perfect match of g0; p0 is left over; p2 (J=0.4 with g1) is below the threshold
    assert match_one_to_one(g, p) == [(0, 1, 1.0)]
    assert match_one_to_one(g, p, threshold=0.4) == [(0, 1, 1.0), (1, 2, 0.4)]


# --- scores -----------------------------------------------------------------------------------------


def doc_with(text: str, gold: list[Attribution], pred: list[Attribution]) -> Document:
    return Document("d", text, gold, pred)


def test_role_scores_exact_outer_overlap_and_soft():
    text = '"We will win," Smith said, "and soon." The mayor of the town said taxes will fall.'
    gold = [
        Attribution(spans(text, '"We will win,"', '"and soon."'), spans(text, "Smith"), spans(text, "said,")),
        Attribution(
            spans(text, "taxes will fall"),
            spans(text, "The mayor of the town"),
            prefix(text, "said taxes", 4),
        ),
    ]
    s1, e1 = spans(text, '"We will win,"')[0]
    s2, e2 = spans(text, '"and soon."')[0]
    pred = [
        # same fragments, but a space is included at an edge: still exact
        Attribution(((s1, e1 + 1), (s2, e2)), prefix(text, "Smith ", 6), spans(text, "said")),
        # content exact; source only "The mayor" (J = 2/5 < 0.5, overlaps); cue exact
        Attribution(spans(text, "taxes will fall"), spans(text, "The mayor"), prefix(text, "said taxes", 4)),
    ]
    scores = role_scores([doc_with(text, gold, pred)])
    content = scores["content"]
    assert content["exact (fragments)"].f1 == 1.0
    assert content["exact (outer)"].f1 == 1.0
    src = scores["source"]
    assert src["exact (fragments)"].tp_pred == 1 and src["exact (fragments)"].n_gold == 2
    assert src["J>=0.5 (1:1)"].recall == 0.5
    assert src["any overlap"].recall == 1.0 and src["any overlap"].precision == 1.0
    assert src["soft Jaccard"].recall == pytest.approx((1 + 2 / 5) / 2)
    cue = scores["cue"]
    # gold cue "said," vs predicted "said": different exact spans, same word tokens
    assert cue["exact (fragments)"].tp_gold == 1
    assert cue["J>=0.5 (1:1)"].f1 == 1.0


def test_outer_bounds_variant_ignores_gaps():
    text = "Alpha beta gamma delta epsilon."
    gold = [Attribution(spans(text, "Alpha beta", "delta epsilon"))]
    pred = [Attribution(spans(text, "Alpha beta gamma delta epsilon"))]
    scores = role_scores([doc_with(text, gold, pred)])["content"]
    assert scores["exact (fragments)"].f1 == 0.0
    assert scores["exact (outer)"].f1 == 1.0
    assert scores["J>=0.5 (1:1)"].f1 == 1.0  # 4 of 5 words


def test_distinct_spans_per_role():
    # one source shared by two attributions counts once
    text = "Jones said A happened and added B happened."
    src = spans(text, "Jones")
    gold = [
        Attribution(spans(text, "A happened"), src, spans(text, "said")),
        Attribution(spans(text, "B happened"), src, spans(text, "added")),
    ]
    scores = role_scores([doc_with(text, gold, [])])
    assert scores["source"]["exact (fragments)"].n_gold == 1
    assert scores["content"]["exact (fragments)"].n_gold == 2
    assert scores["content"]["exact (fragments)"].precision == 0.0  # no predictions: 0, not an error


def test_attribution_scores_content_source_and_cue():
    text = "Jones said the plan works. Officials think prices will rise. Nobody knows why rain fell."
    gold = [
        Attribution(spans(text, "the plan works"), spans(text, "Jones"), spans(text, "said")),
        Attribution(spans(text, "prices will rise"), spans(text, "Officials"), spans(text, "think")),
        Attribution(spans(text, "why rain fell"), None, spans(text, "knows")),
    ]
    pred = [
        Attribution(spans(text, "the plan works."), spans(text, "Jones"), spans(text, "said")),  # all good
        Attribution(
            spans(text, "prices will rise"), spans(text, "Nobody"), spans(text, "think")
        ),  # wrong source
        Attribution(
            spans(text, "why rain fell"), None, spans(text, "Nobody knows")
        ),  # no source both; cue J=.5
        Attribution(spans(text, "Officials think")),  # no gold content
    ]
    scores = attribution_scores([doc_with(text, gold, pred)])
    assert scores["content"].recall == 1.0 and scores["content"].precision == 0.75
    assert scores["content+source"].tp_gold == 2
    assert scores["content+source+cue"].tp_gold == 2
    # exact: "the plan works." != "the plan works"; "why rain fell" with both sources absent matches
    assert scores["content+source (exact)"].tp_gold == 1


def test_error_analysis_reports_edge_differences():
    text = 'He said: "Go home." She said it rained.'
    gold = [
        Attribution(spans(text, '"Go home."'), spans(text, "He"), spans(text, "said:")),
        Attribution(spans(text, "it rained"), spans(text, "She"), prefix(text, "said it", 4)),
    ]
    pred = [Attribution(spans(text, '"Go home."'), spans(text, "He"), prefix(text, "said", 4))]
    errors = error_analysis([doc_with(text, gold, pred)], n_samples=5)
    assert dict(errors["cue"]["edge_diffs"]) == {"right -:": 1}
    assert errors["content"]["n_false_negatives"] == 1
    assert errors["attribution"]["missed_by_gold_cue"] == [("said", 1)]
    report = format_errors(errors)
    assert "right -:" in report and "it rained" in report


# --- data loading and the command -------------------------------------------------------------------


def make_split(root: Path, articles: dict[str, tuple[str, list[str]]]) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    for name, (text, anns) in articles.items():
        (root / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
        for k, ann in enumerate(anns):
            (root / "attributions" / f"{name}_{'abcd'[k]}{k}.ann").write_text(ann, encoding="utf-8")
    return root


def test_load_gold_picks_first_ann_and_limits(tmp_path):
    t = "Jones said the plan works.\n"
    first = "\n".join([ann_line("T1", "Content", t, "the plan works"), "E1\tAttribution:T1 Content:T1"])
    second = ""
    split = make_split(
        tmp_path / "split",
        {"b_article": (t, [first, second]), "a_article": (t, [second]), "c_noann": (t, [])},
    )
    docs, paths, notes = load_gold(split)
    assert [d.name for d in docs] == ["a_article", "b_article"]
    assert docs[1].gold and not docs[0].gold
    assert notes["articles_with_several_ann"] == 1 and notes["articles_without_ann"] == 1
    assert notes["ann_files_used"][1] == "b_article_a0.ann"
    docs, _, _ = load_gold(split, limit=1)
    assert len(docs) == 1


def test_main_rejects_bad_folders(tmp_path, capsys):
    assert main([str(tmp_path / "nowhere")]) == 2
    t = "Jones said the plan works.\n"
    split = make_split(tmp_path / "split", {"a": (t, [""])})
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "x").write_text("occupied")
    assert main([str(split), "--keep", str(keep)]) == 2
    assert "not empty" in capsys.readouterr().err


def test_main_runs_the_pipeline_on_a_composed_split(tmp_path, capsys):
    """The whole path on our own text: title dropped, body offsets mapped back to the raw file."""
    text = (
        "City budget vote delayed\n\n"
        "The mayor said that the bridge will reopen next week.  Officials had promised repairs.\n\n"
        '"We are almost done," the engineer told reporters on Monday.\n'
    )
    ann = "\n".join(
        [
            ann_line("T1", "Source", text, "The mayor"),
            ann_line("T2", "Cue", text, "said"),
            ann_line("T3", "Content", text, "that the bridge will reopen next week"),
            "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3",
            ann_line("T4", "Content", text, '"We are almost done,"'),
            ann_line("T5", "Source", text, "the engineer"),
            ann_line("T6", "Cue", text, "told"),
            "E2\tAttribution:T6 Source:T5 Cue:T6 Content:T4",
        ]
    )
    split = make_split(tmp_path / "split", {"paper_2016-01-01_bridge": (text, [ann])})
    out = tmp_path / "scores.json"
    keep = tmp_path / "wh"
    referents = tmp_path / "referents.jsonl"
    referents.write_text(
        "".join(
            json.dumps(
                {
                    "doc": "paper_2016-01-01_bridge",
                    "start": text.index(src),
                    "end": text.index(src) + len(src),
                    "source": src,
                    "referent": "GENERIC",
                    "type": "NONE",
                }
            )
            + "\n"
            for src in ("The mayor", "the engineer")
        ),
        encoding="utf-8",
    )
    assert (
        main(
            [
                str(split),
                "--json",
                str(out),
                "--keep",
                str(keep),
                "--errors",
                "2",
                "--speakers",
                str(referents),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "content+source" in printed and "J>=0.5 (1:1)" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    # nobody in the article can be the mayor or the engineer: both claims stay without a speaker
    assert "who said what" in printed
    assert data["scores"]["speakers"]["accuracy"]["generic"] == {"accuracy": 1.0, "n": 2}
    assert data["info"]["n_docs"] == 1 and data["info"]["mapping_mismatches"] == 0
    assert data["info"]["n_extracted"] == 1
    assert (keep / "newsclaims.duckdb").exists()
    # the mayor's claim is found with the exact gold spans (offsets mapped through the dropped title)
    assert data["scores"]["roles"]["source"]["J>=0.5 (1:1)"]["tp_gold"] >= 1
    assert data["scores"]["attributions"]["content+source"]["tp_gold"] >= 1
    assert data["scores"]["roles"]["content"]["exact (fragments)"]["tp_gold"] >= 1


@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason="PolNeAR dev split not available (shared/eval)")
def test_polnear_dev_sample(tmp_path, capsys):
    out = tmp_path / "dev5.json"
    assert main([str(POLNEAR_DEV), "--limit", "5", "--json", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    info, scores = data["info"], data["scores"]
    assert info["n_docs"] == 5 and info["n_gold"] > 20 and info["n_pred"] > 0
    assert info["mapping_mismatches"] <= info["mapped_spans"] * 0.02
    for role in ("source", "cue", "content"):
        for prf in scores["roles"][role].values():
            assert 0.0 <= prf["precision"] <= 1.0 and 0.0 <= prf["recall"] <= 1.0
    # the extractor finds a fair share of PolNeAR's attributions on any 5 articles
    assert scores["attributions"]["content"]["recall"] > 0.2
    assert "attrib." in capsys.readouterr().out


def test_content_boundary_classes():
    text = 'Jones said: "We are done." Lee said the plan, which failed, was good, but nobody cared.'
    gold = [
        Attribution(spans(text, '"We are done."'), spans(text, "Jones"), spans(text, "said:")),
        Attribution(
            spans(text, "the plan, which failed, was good"), spans(text, "Lee"), prefix(text, "said the", 4)
        ),
    ]
    pred = [
        Attribution(spans(text, "We are done"), spans(text, "Jones"), prefix(text, "said:", 4)),
        Attribution(
            spans(text, "the plan, which failed, was good, but nobody cared"),
            spans(text, "Lee"),
            prefix(text, "said the", 4),
        ),
    ]
    classes = dict(error_analysis([doc_with(text, gold, pred)])["content_boundaries"]["classes"])
    assert classes == {
        "claim lacks edge punctuation/quote marks (gold: '\"….\"') (J>=0.5)": 1,
        "claim longer on the right (J>=0.5)": 1,
    }


def test_text_alignment_maps_offsets_across_repairs():
    from newsclaims.evaluation.attribution import text_alignment

    raw = "D\u00c3\u00a1te said \ufeffthe plan \u201cworks,\u201d he said."
    fixed = "D\u00e1te said the plan \u201cworks,\u201d he said."
    align = text_alignment(fixed, raw)
    for word in ("said", "the plan", "works", "he said."):
        s = fixed.index(word)
        e = s + len(word)
        assert raw[align(s) : align(e - 1) + 1] == word


# --- who said what (--speakers) -------------------------------------------------------------------------

SPEAKER_TEXT = (
    "Sen. Ann Pike, a Republican from Ohio, said the bill would fail. She added that taxes would rise.\n"
    "Critics said the plan was reckless. The Pike campaign said it had raised money.\n"
    "The newspaper reported that turnout fell. Voters are angry, the poll found.\n"
    'Mr. Ron Dale said he would stay. "We will win," he said.\n'
)


def _speaker_case():
    """A composed article with a gold file, a referents file and predictions of every kind."""
    t = SPEAKER_TEXT
    gold = [
        Attribution(
            content=spans(t, "the bill would fail"), source=spans(t, "Sen. Ann Pike, a Republican from Ohio,")
        ),
        Attribution(content=spans(t, "taxes would rise"), source=spans(t, "She")),
        Attribution(content=spans(t, "the plan was reckless"), source=spans(t, "Critics")),
        Attribution(content=spans(t, "it had raised money"), source=spans(t, "The Pike campaign")),
        Attribution(content=spans(t, "turnout fell"), source=spans(t, "The newspaper")),
        Attribution(content=spans(t, "Voters are angry")),
        Attribution(content=spans(t, "he would stay"), source=spans(t, "Mr. Ron Dale")),
        Attribution(
            content=spans(t, "We will win,"), source=((t.index("he said."), t.index("he said.") + 2),)
        ),
    ]
    refs = [("She", "Ann Pike"), ("Critics", "GENERIC"), ("The newspaper", "The Daily Planet")]
    ref_rows = []
    for src, referent in refs:
        ((s, e),) = spans(t, src)
        ref_rows.append(
            {"doc": "art", "start": s, "end": e, "source": src, "referent": referent, "type": "X"}
        )
    i = t.index("he said.")
    ref_rows.append(
        {"doc": "art", "start": i, "end": i + 2, "source": "he", "referent": "UNCLEAR", "type": "NONE"}
    )
    preds = [  # (content, speaker, aliases)
        (spans(t, "the bill would fail"), "Ann Pike", ("Sen. Ann Pike",)),  # named, right
        (spans(t, "taxes would rise"), "Ann Pike", ()),  # pronoun, right
        (spans(t, "taxes would rise"), "Ann Pike", ()),  # duplicate, dropped
        (spans(t, "the plan was reckless"), "Ann Pike", ()),  # generic, wrong
        (spans(t, "it had raised money"), None, ()),  # lenient, unresolved ok
        (spans(t, "turnout fell"), None, ()),  # labelled, missed
        (spans(t, "Voters are angry,"), None, ()),  # no source, right
        (spans(t, "he would stay"), "Ron Dale Jr.", ()),  # named, suffix dropped
        (spans(t, "We will win,"), "Ron Dale", ()),  # unclear: not scored
        (spans(t, "Mr. Ron Dale said"), "Ron Dale", ()),  # no match
    ]
    return t, gold, ref_rows, preds


def test_speaker_score_cases():
    from newsclaims.evaluation.speakers import Predicted, score_speakers, surname

    t, gold, ref_rows, preds = _speaker_case()
    refs = {(r["doc"], r["start"], r["end"]): r["referent"] for r in ref_rows}
    res = score_speakers([("art", t, gold, [Predicted(c, s, a) for c, s, a in preds])], refs)
    acc = res["accuracy"]
    assert acc["named"] == {"accuracy": 1.0, "n": 2}
    assert acc["labelled"] == {"accuracy": 0.5, "n": 2}
    assert acc["generic"]["accuracy"] == 0.0 and acc["lenient"]["accuracy"] == 1.0
    assert acc["none"]["accuracy"] == 1.0
    w = res["who_said_what"]
    # 9 distinct predictions, one matched to UNCLEAR leaves the count; 7 scorable gold
    assert (w["right"], w["n_pred"], w["n_gold"]) == (5, 8, 7)
    assert res["unresolved_share"] == pytest.approx(3 / 10)
    assert surname("Trump campaign") == "trump" and surname("Sen. Tim Kaine Jr.") == "kaine"


def test_speaker_score_agrees_with_reference_scorer(tmp_path):
    """The project's who-said-what figures equal the reference scorer's on a composed split."""
    import importlib.util
    import sys

    scorer = EVAL_DIR / "polnear" / "scorer" / "speaker_score.py"
    if not scorer.is_file():
        pytest.skip("reference scorer not available")
    sys.path.insert(0, str(scorer.parent))
    try:
        spec = importlib.util.spec_from_file_location("ref_speaker_score", scorer)
        ref = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(ref)
    finally:
        sys.path.remove(str(scorer.parent))
    from newsclaims.evaluation.speakers import Predicted, load_referents, score_speakers

    t, gold, ref_rows, preds = _speaker_case()
    split = tmp_path / "split"
    (split / "text").mkdir(parents=True)
    (split / "attributions").mkdir()
    (split / "text" / "art.txt").write_text(t, encoding="utf-8")
    lines, n = [], 0
    for k, g in enumerate(gold, 1):
        args = []
        for role, frags in (("Source", g.source), ("Content", g.content)):
            if frags:
                n += 1
                offs = ";".join(f"{s} {e}" for s, e in frags)
                lines.append(f"T{n}\t{role} {offs}\t{' '.join(t[s:e] for s, e in frags)}")
                args.append(f"{role}:T{n}")
        n += 1
        lines.append(f"T{n}\tAttribution {g.content[0][0]} {g.content[0][0] + 1}\tx")
        lines.append(f"E{k}\tAttribution:T{n} " + " ".join(args))
    (split / "attributions" / "art_a1.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    referents = tmp_path / "refs.jsonl"
    referents.write_text("".join(json.dumps(r) + "\n" for r in ref_rows), encoding="utf-8")
    records = [
        {"doc": "art", "content": [list(f) for f in c], "speaker": s, "speaker_aliases": list(a)}
        for c, s, a in preds
    ]

    theirs = ref.score(records, str(split), ref.load_referents(str(referents)))
    docs, _, _ = load_gold(split)
    ours = score_speakers(
        [(d.name, d.text, d.gold, [Predicted(c, s, a) for c, s, a in preds]) for d in docs],
        load_referents(referents),
    )
    tw, ow = theirs["who_said_what"], ours["who_said_what"]
    assert (ow["right"], ow["n_pred"], ow["n_gold"]) == (tw["right"], tw["n_pred"], tw["n_gold"])
    assert ow["f1"] == pytest.approx(tw["f1"], abs=1e-4)
    assert {k: v["n"] for k, v in ours["accuracy"].items()} == {
        k: v["n"] for k, v in theirs["speaker_accuracy_on_matched"].items()
    }
    for k, v in theirs["speaker_accuracy_on_matched"].items():
        assert ours["accuracy"][k]["accuracy"] == pytest.approx(v["acc"], abs=1e-4)
    assert ours["unresolved_share"] == pytest.approx(theirs["unresolved_share"], abs=1e-4)
