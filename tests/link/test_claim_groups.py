"""Claim grouping: the same utterance in other words joins one group, distinct statements do not."""

from __future__ import annotations

from datetime import date

import pytest

from newsclaims.link.claim_groups import (
    DEFAULT_THRESHOLD,
    ClaimMatcher,
    GroupableClaim,
    claim_units,
    group_claims,
    segment_signatures,
    units_from_signatures,
)

# Composed pairs (written for this project) for tuning and testing.  POSITIVE: two renderings of
# one utterance by one speaker (another translation, a partial quote, a paraphrase).  NEGATIVE:
# two different statements by the same speaker on the same subject.
POSITIVE = [
    (
        "We will not raise taxes on working families this year.",
        "We won't raise taxes for working families this year",
    ),
    (
        "The company has no plans to close the factory in Leeds.",
        "There are no plans to close the Leeds factory, the company says",
    ),
    (
        "Our troops will leave the region by the end of March.",
        "troops will leave the region by the end of March",
    ),
    (
        "We are deeply concerned about the humanitarian situation in the north of the country.",
        "We are very worried about the humanitarian situation in the country's north.",
    ),
    (
        "The negotiations were difficult, but we reached an agreement that protects our farmers.",
        "we reached an agreement that protects our farmers",
    ),
    ("I have never taken a bribe and I never will.", "I never took bribes and never will"),
    (
        "The central bank will keep interest rates unchanged until inflation falls below 2%.",
        "Interest rates will remain unchanged until inflation drops below 2%, the central bank said",
    ),
    (
        "We call on both sides to stop the fighting immediately and return to the negotiating table.",
        "Both sides must immediately stop fighting and return to the negotiating table",
    ),
    (
        "The vaccine is safe and effective, and I urge everyone to get vaccinated.",
        "the vaccine is safe and effective",
    ),
    (
        "This decision will cost thousands of jobs in the steel industry.",
        "The decision is going to cost the steel industry thousands of jobs",
    ),
    (
        "We did not receive any written proposals from the government before the vote.",
        "we received no written proposals from the government ahead of the vote",
    ),
    (
        "The minister resigned because of the scandal over party funding.",
        "The minister stepped down over the party funding scandal",
    ),
    (
        "We will defend our borders with all the means at our disposal.",
        "We will defend our borders by all means at our disposal",
    ),
    (
        "Prices for electricity will rise by 10 percent from January.",
        "electricity prices will rise 10 percent from January",
    ),
    (
        "The opposition is trying to destabilise the country before the elections.",
        "the opposition wants to destabilise the country ahead of the elections",
    ),
    (
        "Our team played badly in the first half, but the players showed real character after the break.",
        "the players showed real character after the break",
    ),
    (
        "The reform of the health service will be completed within two years.",
        "health service reform will be completed in two years",
    ),
    (
        "If the sanctions are lifted, we are ready to resume gas deliveries to Europe.",
        "We are ready to resume gas deliveries to Europe if sanctions are lifted",
    ),
    (
        "The police acted lawfully and the investigation found no evidence of misconduct.",
        "The investigation found no evidence of misconduct by the police",
    ),
    ("We do not recognise the results of this referendum.", "we don't recognise the referendum results"),
    (
        "The new law protects journalists and guarantees the freedom of the press.",
        "the law guarantees press freedom and protects journalists",
    ),
    (
        "Unemployment has fallen for the third month in a row, which shows that our policies are working.",
        "unemployment has fallen for a third month in a row",
    ),
    (
        "The airline will cancel about 200 flights on Friday because of the strike.",
        "About 200 flights will be cancelled on Friday due to the strike, the airline said",
    ),
    (
        "We will never accept the annexation of our territory.",
        "We shall never accept the annexation of our territory",
    ),
]

NEGATIVE = [
    (
        "We will not raise taxes on working families this year.",
        "We will raise taxes on large corporations this year.",
    ),
    (
        "The company has no plans to close the factory in Leeds.",
        "The company plans to open a new factory in Sheffield.",
    ),
    (
        "Our troops will leave the region by the end of March.",
        "Our troops will stay in the region until the end of March.",
    ),
    (
        "The central bank will keep interest rates unchanged until inflation falls below 2%.",
        "The central bank expects inflation to fall below 3% next year.",
    ),
    (
        "Prices for electricity will rise by 10 percent from January.",
        "Prices for electricity will rise by 25 percent from January.",
    ),
    ("We do not recognise the results of this referendum.", "We recognise the results of this referendum."),
    (
        "The airline will cancel about 200 flights on Friday because of the strike.",
        "The airline will cancel about 50 flights on Saturday because of the strike.",
    ),
    (
        "NATO's response was shameful and highly ideological.",
        "The American response was the height of diplomacy.",
    ),
    (
        "We urged them to listen to the voice of reason.",
        "This was shrugged off, but now it is included in their proposals.",
    ),
    (
        "If our attempts to agree on security in Europe fail, we will take retaliatory measures.",
        "The important part for us is to sort out the foundations that European security is built on.",
    ),
    ("The vaccine is safe and effective.", "The vaccine will be available in pharmacies from next month."),
    ("The police acted lawfully during the protest.", "The police will investigate the protest organisers."),
    ("Our team played badly in the first half.", "Our team will play the final in Madrid next week."),
    (
        "We are ready to resume gas deliveries to Europe.",
        "Gas deliveries to Europe fell sharply last winter.",
    ),
    (
        "The minister resigned over the party funding scandal.",
        "The minister denied any involvement in the party funding scandal.",
    ),
    (
        "The opposition is trying to destabilise the country before the elections.",
        "The opposition will win the elections if the economy keeps shrinking.",
    ),
    ("The new law protects journalists.", "Journalists who break the new law will be prosecuted."),
    (
        "Unemployment has fallen for the third month in a row.",
        "Unemployment among young people has risen for the third month in a row.",
    ),
    (
        "We will defend our borders with all the means at our disposal.",
        "We will open our borders to refugees from the war.",
    ),
    ("There will be no war if it depends on us.", "There will be a war if it depends on them."),
    (
        "The talks with the United States on security have not yet been concluded.",
        "The talks with the United States on trade were concluded last week.",
    ),
    (
        "Russia is formulating an inter-agency reaction to the proposals.",
        "Russia rejected the proposals on missile deployment.",
    ),
    (
        "We call on both sides to stop the fighting immediately.",
        "Both sides are responsible for the fighting in the east.",
    ),
    (
        "The reform of the health service will be completed within two years.",
        "The reform of the health service has cost two billion pounds so far.",
    ),
]


@pytest.fixture(scope="module")
def matcher() -> ClaimMatcher:
    return ClaimMatcher()


def _claim(
    cid: str,
    content: str,
    article: str = "a1",
    speaker: str | None = "Q_lavrov",
    story: str | None = "s_1",
    outlet: str | None = None,
) -> GroupableClaim:
    return GroupableClaim(
        claim_id=cid,
        article_id=article,
        story_id=story,
        speaker_entity_id=speaker,
        content=content,
        outlet=outlet,
        published_date=date(2022, 1, 28),
    )


# --- the two translations of one interview ---------------------------------------------------------

TASS = {
    "t1": "If it depends on the Russian Federation, there won’t be a war. We do not want wars, but we "
    "won’t allow our interests to be flagrantly stepped on and ignored",
    "t2": "As you know, the Americans and NATO members have studied our extremely simple proposals "
    "contained in the drafts of an agreement with Washington and an agreement with the North "
    "Atlantic alliance for over a month and we received the answers only the day before "
    "yesterday, which muddy the waters in many ways in such a Western style, yet there are some "
    "rational kernels on secondary issues",
    "t3": "We urged them to listen to the voice of reason after all, and the President of Russia then "
    "sent his message to all OSCE members, inviting them to join our unilateral moratorium with "
    "the coordination of verification measures. This was shrugged off, but now it is included in "
    "their proposals",
    "t4": "All of this has been rejected for the past two or three years. Now, all of this is being put "
    "forward for discussion. So the constructive content in these proposals, essentially, has "
    "been borrowed from recent Russian initiatives. Nevertheless, I think that this is still "
    "something, as we say in Russia. Yet, the important part for us is to sort out the "
    "conceptual foundations that European security is built on",
    "t5": "Russia is not interested in a war, yet Moscow won’t allow its security interests to be "
    "disregarded",
}
MT = {
    "m1": "If it depends on Russia, there will be no war. We don’t want a war,",
    "m2": "But we won’t allow [the West] to rudely ignore and trample on our interests,",
    "m3": "hysterically advancing",
    "m4": "in many ways throwing wool over our eyes, but they contain rational seeds on secondary issues.",
    "m5": "shameful",
    "m6": "the height of diplomacy",
    "m7": "If our attempts to agree on mutually acceptable principles of ensuring security in Europe "
    "fail, then we’ll take retaliatory measures",
}


def _interview_claims() -> list[GroupableClaim]:
    claims = [_claim(k, v, article="tass", outlet="TASS") for k, v in TASS.items()]
    claims += [_claim(k, v, article="mt", outlet="The Moscow Times") for k, v in MT.items()]
    return claims


def test_translations_of_one_interview_are_grouped(matcher):
    groups = group_claims(_interview_claims(), matcher=matcher)
    # t1 holds the sentences that m1 and m2 render; t2 ends with what m4 renders
    assert groups["t1"] == groups["m1"] == groups["m2"] == "g_m1"
    assert groups["t2"] == groups["m4"] == "g_m4"
    # nothing else is merged with them, and the rest stay alone
    for cid in ("t3", "t4", "t5", "m3", "m5", "m6", "m7"):
        assert groups[cid] == "g_" + cid
    assert len(set(groups.values())) == 9


def test_grouping_is_deterministic_and_order_independent(matcher):
    claims = _interview_claims()
    assert group_claims(claims, matcher=matcher) == group_claims(list(reversed(claims)), matcher=matcher)


def test_matches_are_reported(matcher):
    seen = []
    group_claims(
        _interview_claims(), matcher=matcher, on_match=lambda a, b, s: seen.append((a.claim_id, b.claim_id))
    )
    assert sorted(tuple(sorted(p)) for p in seen) == [("m1", "t1"), ("m2", "t1"), ("m4", "t2")]


# --- blocking: speaker and story -------------------------------------------------------------------


def test_different_speakers_never_group(matcher):
    claims = [
        _claim("a", MT["m1"], article="x", speaker="Q_lavrov"),
        _claim("b", MT["m1"], article="y", speaker="Q_peskov"),
    ]
    assert group_claims(claims, matcher=matcher) == {"a": "g_a", "b": "g_b"}


def test_claims_without_speaker_never_group(matcher):
    claims = [
        _claim("a", MT["m1"], article="x", speaker=None),
        _claim("b", MT["m1"], article="y", speaker=None),
        _claim("c", MT["m1"], article="x", speaker=None),
    ]
    assert group_claims(claims, matcher=matcher) == {"a": "g_a", "b": "g_b", "c": "g_c"}


def test_other_stories_are_not_compared_but_the_same_article_is(matcher):
    claims = [
        _claim("a", MT["m1"], article="x", story="s_1"),
        _claim("b", MT["m1"], article="y", story="s_2"),
        _claim("c", TASS["t1"], article="x", story=None),
    ]
    groups = group_claims(claims, matcher=matcher)
    assert groups["b"] == "g_b"
    assert groups["a"] == groups["c"] == "g_a"


# --- incremental use -------------------------------------------------------------------------------


def test_existing_groups_are_kept(matcher):
    claims = _interview_claims()
    first = group_claims([c for c in claims if c.article_id == "tass"], matcher=matcher)
    assert all(g == "g_" + c for c, g in first.items())
    second = group_claims(claims, existing=first, matcher=matcher)
    assert {k: second[k] for k in first} == first  # earlier assignments never change
    assert second["m1"] == second["m2"] == "g_t1" and second["m4"] == "g_t2"


# --- composed pairs --------------------------------------------------------------------------------


def test_composed_paraphrases_mostly_match(matcher):
    hits = [matcher.similarity(a, b) >= DEFAULT_THRESHOLD for a, b in POSITIVE]
    # the rule is lexical: synonym swaps ("resigned" / "stepped down") are out of its reach
    assert sum(hits) >= 0.9 * len(POSITIVE), [p for p, h in zip(POSITIVE, hits) if not h]


def test_composed_distinct_statements_never_match(matcher):
    false = [(a, b) for a, b in NEGATIVE if matcher.similarity(a, b) >= DEFAULT_THRESHOLD]
    assert false == []


@pytest.mark.parametrize(
    "a,b",
    [
        ("There will be no war.", "There will be a war."),
        ("We will cut the budget by 5 percent.", "We will cut the budget by 15 percent."),
        ("Our troops will leave the region by March.", "Our troops will stay in the region until March."),
    ],
)
def test_polarity_numbers_and_predicates_must_agree(matcher, a, b):
    assert matcher.similarity(a, b) < DEFAULT_THRESHOLD


def test_partial_quote_inside_long_claim_matches(matcher):
    long = (
        "The government has studied the report for a month, and the minister told parliament that "
        "the new rules on bank bonuses will take effect in April, after consultation with the industry."
    )
    assert (
        matcher.similarity(long, "the new rules on bank bonuses will take effect in April")
        >= DEFAULT_THRESHOLD
    )


# --- signatures: units computed at extraction, grouped without parsing again ------------------------


def _comparable(units):
    return [(u.keys, u.negated, u.numbers, u.verbs) for u in units]


@pytest.mark.parametrize("text", [TASS["t1"], TASS["t2"], MT["m2"], POSITIVE[5][0], NEGATIVE[0][1]])
def test_signatures_rebuild_the_units_of_a_parse(matcher, text):
    doc = matcher.nlp(text)
    sigs = segment_signatures([doc[:]])
    assert sigs and all(isinstance(tag, str) for sig in sigs for tag in sig)
    assert _comparable(units_from_signatures(sigs)) == _comparable(claim_units(doc))


def test_signatures_of_a_quote_split_around_its_cue(matcher):
    text = '"We will not raise taxes on families," the minister said, "and we will cut fuel duty by 5 pence."'
    doc = matcher.nlp(text)
    first, second = text.index("We will"), text.index("and we")
    fragments = [
        doc.char_span(first, text.index(',"'), alignment_mode="expand"),
        doc.char_span(second, len(text) - 2, alignment_mode="expand"),
    ]
    sigs = segment_signatures(fragments)
    tags = {t for sig in sigs for t in sig}
    assert len(sigs) == 2  # one segment per fragment: the cue between them is not part of the claim
    assert "neg" in sigs[0] and "neg" not in sigs[1]
    assert {"k:raise", "k:family", "k:fuel", "n:5", "v:cut"} <= tags
    assert not {"k:minister", "k:say"} & tags


class _NoModel:
    def __call__(self, text):
        raise AssertionError("grouping parsed a claim that has signatures")

    pipe = __call__


def test_claims_with_signatures_group_without_the_model(matcher):
    parsed = group_claims(_interview_claims(), matcher=matcher)
    claims = _interview_claims()
    for c in claims:  # as extraction stores them: with where each segment lies in the content
        c.segments = segment_signatures([matcher.nlp(c.content)[:]], [(0, len(c.content))])
    assert group_claims(claims, matcher=ClaimMatcher(_NoModel())) == parsed


def test_the_pipeline_stores_signatures_for_every_claim(sql):
    missing, total = sql("SELECT count(*) FILTER (WHERE group_segments IS NULL), count(*) FROM claims")[0]
    assert total > 0 and missing == 0


def test_a_warehouse_from_before_signatures_is_upgraded_and_still_groups(tmp_path):
    """Claims loaded before migration 003 have no signatures: the link stage parses their text, the
    load adds the column, and the claim groups are those of a fresh warehouse."""
    import shutil

    from conftest import REPO

    from newsclaims.load import database
    from newsclaims.pipeline import run_local
    from newsclaims.settings import Warehouse

    seeds = sorted((REPO / "seeds" / "raw").glob("*.txt"))

    def setup(name):
        root = tmp_path / name
        (root / "raw").mkdir(parents=True)
        (root / "sources.toml").write_text('[[sources]]\nname = "s"\nkind = "text_dir"\npath = "raw"\n')
        return root, Warehouse.resolve(root / "wh")

    def partition(wh):
        rows = database.query(wh, "SELECT claim_group_id, claim_id FROM claim_groups")[1]
        by_group: dict[str, set] = {}
        for g, c in rows:
            by_group.setdefault(g, set()).add(c)
        return sorted(sorted(members) for members in by_group.values())

    fresh, fresh_wh = setup("fresh")
    for f in seeds:
        shutil.copy(f, fresh / "raw")
    run_local(fresh / "sources.toml", fresh_wh)

    old, old_wh = setup("old")
    shutil.copy(seeds[0], old / "raw")
    run_local(old / "sources.toml", old_wh)
    con = database.connect(old_wh)
    try:  # make it a warehouse of the schema before migration 003
        con.execute("ALTER TABLE claims DROP COLUMN group_segments")
        con.execute("DELETE FROM schema_migrations WHERE version = 3")
    finally:
        con.close()
    shutil.copy(seeds[1], old / "raw")
    run_local(old / "sources.toml", old_wh)

    assert 3 in [v for (v,) in database.query(old_wh, "SELECT version FROM schema_migrations")[1]]
    unsigned, signed = database.query(
        old_wh,
        """SELECT count(*) FILTER (WHERE group_segments IS NULL),
                                                 count(*) FILTER (WHERE group_segments IS NOT NULL)
                                          FROM claims""",
    )[1][0]
    assert unsigned > 0 and signed > 0  # the first run's claims keep NULL, the second run's are signed
    groups = partition(old_wh)
    assert any(len(members) > 1 for members in groups)  # cross-outlet groups formed across the two kinds
    assert groups == partition(fresh_wh)


# --- paraphrase: the same thing in other words (sentence vectors) -----------------------------------


def test_signatures_record_where_each_segment_lies_in_the_content(matcher):
    text = '"We will not raise taxes on families," the minister said, "and we will cut fuel duty by 5 pence."'
    doc = matcher.nlp(text)
    spans = [(text.index("We will"), text.index(',"')), (text.index("and we"), len(text) - 2)]
    content = " ".join(text[s:e] for s, e in spans)
    sigs = segment_signatures([doc.char_span(s, e, alignment_mode="expand") for s, e in spans], spans)
    units = units_from_signatures(sigs, content=content)
    assert [u.text for u in units[:2]] == [
        "We will not raise taxes on families",
        "and we will cut fuel duty by 5 pence",
    ]
    assert units[2].text == content  # a run of two segments: the content from the first to the last
    assert units[0].negated and not units[1].negated


def _cross_article(a: str, b: str) -> list[GroupableClaim]:
    return [_claim("a", a, article="x", outlet="A"), _claim("b", b, article="y", outlet="B")]


@pytest.mark.parametrize(
    "a,b",
    [
        (
            "We are deeply concerned about the humanitarian situation in the north of the country.",
            "We are very worried about the humanitarian situation in the country's north.",
        ),
        ("Russia is not interested in a war", "Russia is not seeking war with the United States and NATO"),
    ],
)
def test_paraphrase_across_articles_is_grouped(matcher, a, b):
    assert matcher.encoder is not None  # the pinned model is a dependency: it must load
    assert group_claims(_cross_article(a, b), matcher=matcher) == {"a": "g_a", "b": "g_a"}


@pytest.mark.parametrize(
    "a,b",
    [
        ("Russia is not interested in a war", "Russia is interested in a war"),  # polarity
        ("Prices will rise by 10 percent", "Prices will rise by 25 percent"),  # numbers
        ("to fire O'Brien", "to bring O'Brien back"),  # predicate
        ("Ortiz probably died instantly", "Ortiz was shot in the head"),  # predicate
    ],
)
def test_paraphrase_keeps_the_lexical_guards(matcher, a, b):
    assert group_claims(_cross_article(a, b), matcher=matcher) == {"a": "g_a", "b": "g_b"}


def test_paraphrase_is_not_used_within_one_article(matcher):
    """An article that summarises a quote in other words reports it twice, not two outlets once."""
    a, b = "Russia is not interested in a war", "Russia is not seeking war with the United States and NATO"
    claims = [_claim("a", a, article="x"), _claim("b", b, article="x")]
    assert group_claims(claims, matcher=matcher) == {"a": "g_a", "b": "g_b"}
    assert matcher.paraphrase_similarity(a, b) >= matcher.paraphrase_threshold


def test_the_same_words_are_one_claim(matcher):
    claims = [
        _claim("a", "“No one else was injured.”", article="x"),
        _claim("b", "no one else was injured", article="y"),
    ]
    assert group_claims(claims, matcher=matcher) == {"a": "g_a", "b": "g_a"}
    before = ClaimMatcher(matcher.nlp, encoder=None, same_words=False)
    assert group_claims(claims, matcher=before) == {
        "a": "g_a",
        "b": "g_b",
    }  # too few shared lemmas for the lexical rule


def test_composed_distinct_statements_never_match_with_paraphrase(matcher):
    assert [(a, b) for a, b in NEGATIVE if matcher.match(a, b)] == []


def test_without_an_encoder_grouping_is_lexical(monkeypatch, matcher):
    from newsclaims.link import paraphrase

    monkeypatch.setenv(paraphrase.ENV_PARAPHRASE_MODEL, "off")
    paraphrase.load_encoder.cache_clear()
    try:
        lexical = ClaimMatcher(matcher.nlp)
        assert lexical.encoder is None
        a, b = POSITIVE[3]  # "deeply concerned" / "very worried": the lexical rule scores 0.73
        assert group_claims(_cross_article(a, b), matcher=lexical) == {"a": "g_a", "b": "g_a"}
        assert group_claims(
            _cross_article(
                "Russia is not interested in a war",
                "Russia is not seeking war with the United States and NATO",
            ),
            matcher=lexical,
        ) == {"a": "g_a", "b": "g_b"}
    finally:
        paraphrase.load_encoder.cache_clear()


def test_a_changed_model_file_is_refused(tmp_path):
    from newsclaims.link import paraphrase

    model, tokenizer = paraphrase._packaged_files()
    changed = tmp_path / "tokenizer.json"
    changed.write_bytes(tokenizer.read_bytes().replace(b'"[UNK]"', b'"[UNX]"', 1))
    with pytest.raises(ValueError, match="sha256"):
        paraphrase.SentenceEncoder(
            model, changed, expected=(paraphrase.MODEL_SHA256, paraphrase.TOKENIZER_SHA256)
        )
    # the user's own folder (NEWSCLAIMS_PARAPHRASE_MODEL) is taken as it is
    vectors = paraphrase.SentenceEncoder(model, tokenizer).encode(
        ["There will be no war.", "There will be no war."]
    )
    assert vectors.shape == (2, 384) and abs(float(vectors[0] @ vectors[1]) - 1.0) < 1e-5


# --- on the seeds: the paraphrase pair joins one group, the three pairs stay as they were -----------


def _groups_of_seeds(sql) -> dict[str, list[tuple[str, str]]]:
    rows = sql("""SELECT g.claim_group_id, a.outlet, c.content FROM claims c JOIN claim_groups g USING (claim_id)
                  JOIN articles a USING (article_id)""")
    groups: dict[str, list[tuple[str, str]]] = {}
    for gid, outlet, content in rows:
        groups.setdefault(gid, []).append((outlet, content))
    return groups


def test_seeds_paraphrase_pair_is_one_group(sql):
    groups = _groups_of_seeds(sql)
    tass = [g for g, ms in groups.items() if any("Russia is not interested in a war" in c for _, c in ms)]
    mt = [g for g, ms in groups.items() if any("Russia is not seeking war" in c for _, c in ms)]
    assert len(tass) == len(mt) == 1 and tass == mt
    assert sorted(outlet for outlet, _ in groups[tass[0]]) == ["TASS", "The Moscow Times"]  # nothing else


def test_seeds_groups_of_more_than_one_claim(sql):
    """The three pairs grouped before paraphrase keep their members, and only the paraphrase pair is added."""
    groups = _groups_of_seeds(sql)
    multi = sorted(sorted(outlet for outlet, _ in ms) for ms in groups.values() if len(ms) > 1)
    assert multi == [
        ["TASS", "The Moscow Times"],
        ["TASS", "The Moscow Times"],
        ["TASS", "The Moscow Times", "The Moscow Times"],
    ]


# --- the labelled pairs and their evaluation --------------------------------------------------------


def test_labelled_pairs_hold_ids_offsets_and_labels_only():
    import csv

    from newsclaims.evaluation.claim_groups_eval import BBC, DEFAULT_PAIRS, ECB, load_pairs

    with open(DEFAULT_PAIRS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert list(rows[0]) == [
        "source",
        "block",
        "doc_a",
        "start_a",
        "end_a",
        "doc_b",
        "start_b",
        "end_b",
        "same_claim",
        "drawn_from",
    ]
    for r in rows:  # no text: every field is a source, an id, an offset or a label
        assert r["source"] in {ECB, BBC}
        assert all(r[k].isdigit() for k in ("block", "start_a", "end_a", "start_b", "end_b"))
        assert r["same_claim"] in {"0", "1"} and r["drawn_from"] in {
            "today",
            "e80",
            "e70",
            "e60",
            "e50",
            "rest",
        }
        for doc in (r["doc_a"], r["doc_b"]):
            assert len(doc) < 40 and " " not in doc
    pairs = load_pairs(DEFAULT_PAIRS)
    assert len(pairs) >= 300 and len({(p.a, p.b) for p in pairs}) == len(pairs)
    assert 0.3 < sum(p.same for p in pairs) / len(pairs) < 0.7


def test_claim_groups_eval_on_real_documents(tmp_path):
    """The evaluation on the labelled pairs of a few speakers: every claim is found again in a fresh
    pipeline run, and paraphrase finds more same-claim pairs than the lexical rule."""
    from conftest import SHARED_EVAL

    from newsclaims.evaluation.claim_groups_eval import (
        DEFAULT_PAIRS,
        ECB,
        evaluate,
        extracted_claims,
        load_documents,
        load_pairs,
        methods,
    )
    from newsclaims.evaluation.labelled_docs import build_warehouse

    if not (SHARED_EVAL / ECB).exists():
        pytest.skip("../shared/eval is absent")
    pairs = [p for p in load_pairs(DEFAULT_PAIRS) if p.a.source == ECB]
    blocks = sorted({p.block for p in pairs}, key=lambda b: int(b.rsplit("#", 1)[1]))[:8]
    pairs = [p for p in pairs if p.block in blocks]
    claims = extracted_claims(build_warehouse(load_documents(SHARED_EVAL, pairs), tmp_path))
    result = evaluate(pairs, claims, methods())
    before, now = result["before: lexical rule"], result["now: + same words + paraphrase"]
    assert before["missing"] == now["missing"] == 0
    assert now["all"]["tp"] > before["all"]["tp"]
    assert now["all"]["pairs"] == len(pairs)


def test_the_encoder_cache_is_bounded(monkeypatch):
    from newsclaims.link import paraphrase

    encoder = paraphrase.SentenceEncoder(*paraphrase._packaged_files())
    first = encoder.encode(["The talks have not been concluded.", "There will be no war."])
    monkeypatch.setattr(paraphrase, "CACHE_SIZE", 3)
    again = encoder.encode(["Prices will rise.", "The plant will stay closed.", "There will be no war."])
    assert len(encoder._cache) <= 3
    assert abs(float(again[2] @ first[1]) - 1.0) < 1e-5  # the same vector after the cache was cut
