"""Everything the foundation issue says about the two seed documents, on a real flow run."""

from __future__ import annotations

import shutil

import pytest

TASS_TITLE = "Russia doesn't want war, yet won't allow its interests to be disregarded, Lavrov insists"
MT_TITLE = "Russia Not to Blame if War Breaks Out, Lavrov Says"
NOISE = ["All news", "Support The Moscow Times!", " date 2022-01-28", "/TASS/", "MOSCOW, January 28"]


def _plain(s: str) -> str:
    return s.replace("’", "'").replace("‘", "'")


@pytest.fixture(scope="module")
def articles(sql):
    rows = sql(
        "SELECT outlet, title, subtitle, dateline_place, published_date, body, language, article_id "
        "FROM articles ORDER BY outlet"
    )
    return {r[0]: r for r in rows}


@pytest.fixture(scope="module")
def lavrov(sql):
    rows = sql("SELECT entity_id FROM entities WHERE type = 'PERSON' AND list_contains(aliases, 'Lavrov')")
    assert len(rows) == 1
    return rows[0][0]


def test_two_articles_recognised_from_content(seed_run, articles):
    summary, _ = seed_run
    assert summary.n_articles == 2 and summary.n_rejects == 0
    assert set(articles) == {"TASS", "The Moscow Times"}


def test_dates_titles_dateline(articles):
    tass, mt = articles["TASS"], articles["The Moscow Times"]
    assert str(tass[4]) == str(mt[4]) == "2022-01-28"
    assert tass[3] == "Moscow"
    assert _plain(tass[1]) == TASS_TITLE
    assert _plain(mt[1]) == MT_TITLE
    assert tass[2].startswith("The Russian foreign minister also noted")
    assert tass[6] == mt[6] == "en"


def test_no_page_noise_in_bodies(articles):
    for outlet, row in articles.items():
        body = row[5]
        for noise in NOISE:
            assert noise not in body, (outlet, noise)
        assert body.split("\n\n")[0].startswith("Russia is")


def test_one_lavrov_entity_with_both_spellings(sql, lavrov):
    name, typ, aliases = sql("SELECT name, type, aliases FROM entities WHERE entity_id = ?", [lavrov])[0]
    assert typ == "PERSON"
    assert {"Sergey Lavrov", "Sergei Lavrov", "Lavrov"} <= set(aliases)


@pytest.mark.parametrize(
    "name", ["Antony Blinken", "Jens Stoltenberg", "NATO", "OSCE", "Ukraine", "Crimea", "Belarus"]
)
def test_named_entities_present(sql, name):
    rows = sql("SELECT entity_id FROM entities WHERE name = ? OR list_contains(aliases, ?)", [name, name])
    assert len(rows) == 1, name


def _claim(sql, outlet, prefix):
    rows = sql(
        """SELECT c.kind, c.speaker_entity_id, c.speaker_text, c.cue, c.content
                  FROM claims c JOIN articles a USING (article_id)
                  WHERE a.outlet = ? AND position(? IN replace(c.content, '’', '''')) > 0""",
        [outlet, prefix],
    )
    assert rows, (outlet, prefix)
    return rows


@pytest.mark.parametrize(
    "outlet,prefix,kind,speaker,cue",
    [
        ("TASS", "If it depends on the Russian Federation", "direct", "he", "emphasized"),
        ("The Moscow Times", "If it depends on Russia", "direct", None, "said"),
        ("The Moscow Times", "If our attempts to agree", "direct", "he", "said"),
        ("TASS", "All of this has been rejected", "direct", "the foreign minister", "concluded"),
        ("The Moscow Times", "Russia is formulating an inter-agency reaction", "indirect", None, "said"),
        ("The Moscow Times", "throwing wool over our eyes", "mixed", None, None),
    ],
)
def test_lavrov_claims(sql, lavrov, outlet, prefix, kind, speaker, cue):
    rows = _claim(sql, outlet, prefix)
    kinds = {r[0] for r in rows}
    assert kind in kinds
    row = next(r for r in rows if r[0] == kind)
    assert row[1] == lavrov
    if speaker:
        assert row[2] == speaker
    if cue:
        assert row[3] == cue


def test_no_lavrov_quote_attributed_to_anyone_else(sql, lavrov):
    # every direct quote in both seeds is Lavrov's
    rows = sql("SELECT speaker_entity_id, content FROM claims WHERE kind = 'direct'")
    assert len(rows) >= 7
    assert all(r[0] == lavrov for r in rows), rows


def test_claim_offsets_slice_the_body(sql):
    rows = sql("""SELECT a.body, c.content, c.content_spans, c.speaker_text, c.speaker_start, c.speaker_end,
                         c.cue, c.cue_start, c.cue_end
                  FROM claims c JOIN articles a USING (article_id)""")
    for body, content, spans, sp, ss, se, cue, cs, ce in rows:
        assert content == " ".join(body[s:e] for s, e in spans)
        if sp is not None:
            assert body[ss:se] == sp
        if cue is not None:
            assert body[cs:ce] == cue


def test_spans_trace_back_to_raw_file(seed_run, sql, seed_feed):
    from newsclaims.ingest.decode import decode_bytes
    from newsclaims.ingest.normalize import body_to_raw

    for raw_path, body, body_map in sql("SELECT raw_path, body, body_map FROM articles"):
        raw = decode_bytes((seed_feed / raw_path).read_bytes()).text
        for s, e, text in sql(
            """SELECT m.start_char, m.end_char, m.text FROM mentions m
                                 JOIN articles a USING (article_id) WHERE a.raw_path = ?""",
            [raw_path],
        ):
            rs, re_ = body_to_raw(s, body_map), body_to_raw(e - 1, body_map) + 1
            assert " ".join(raw[rs:re_].split()) == text  # whitespace in the body is folded


def test_rerun_adds_nothing_and_copy_is_duplicate(seed_run, seed_feed, prefect_harness):
    from newsclaims.flows.pipeline import pipeline
    from newsclaims.load import database

    _, wh = seed_run
    tables = ["articles", "mentions", "claims", "entities", "entity_aliases", "duplicates", "rejects"]
    before = {t: database.query(wh, f"SELECT count(*) FROM {t}")[1][0][0] for t in tables}
    again = pipeline(str(seed_feed / "sources.toml"), str(wh.root))
    assert again.n_articles == 0 and again.n_skipped == 2
    after = {t: database.query(wh, f"SELECT count(*) FROM {t}")[1][0][0] for t in tables}
    assert after == before

    original = sorted((seed_feed / "raw").glob("000_*.txt"))[0]
    shutil.copy(original, seed_feed / "raw" / "copy_of_tass.txt")
    try:
        third = pipeline(str(seed_feed / "sources.toml"), str(wh.root))
        assert third.n_duplicates == 1 and third.n_articles == 0
        dup = database.query(wh, "SELECT raw_path, duplicate_of, method FROM duplicates")[1]
        tass_id = database.query(wh, "SELECT article_id FROM articles WHERE outlet = 'TASS'")[1][0][0]
        assert dup == [("raw/copy_of_tass.txt", tass_id, "exact")]
        assert database.query(wh, "SELECT count(*) FROM articles")[1][0][0] == 2
    finally:
        (seed_feed / "raw" / "copy_of_tass.txt").unlink()


@pytest.mark.parametrize(
    "name,aliases",
    [
        ("NATO", {"NATO", "North Atlantic alliance"}),
        ("United States", {"US", "U.S.", "United States"}),
        ("Russia", {"Russia", "Russian Federation"}),
    ],
)
def test_one_entity_across_spellings(sql, name, aliases):
    rows = sql("SELECT aliases FROM entities WHERE name = ?", [name])
    assert len(rows) == 1 and aliases <= set(rows[0][0])


def test_descriptions_are_mentions_of_lavrov(sql, lavrov):
    rows = sql(
        """SELECT m.text FROM mentions m JOIN articles a USING (article_id)
                  WHERE a.outlet = 'The Moscow Times' AND m.entity_id = ? AND m.method = 'description'""",
        [lavrov],
    )
    texts = {_plain(r[0]) for r in rows}
    assert {"the country's top diplomat", "the veteran diplomat"} <= texts


def test_american_side_is_the_united_states(sql):
    rows = sql("""SELECT c.kind, e.name FROM claims c JOIN articles a USING (article_id)
                  JOIN entities e ON e.entity_id = c.speaker_entity_id
                  WHERE a.outlet = 'TASS' AND c.speaker_text = 'The American side'""")
    assert rows == [("indirect", "United States")]


def test_both_articles_in_one_story(sql):
    assert sql("SELECT count(DISTINCT story_id), count(*) FROM article_stories") == [(1, 2)]
    assert sql("SELECT n_articles, n_outlets, first_seen FROM stories")[0][:2] == (2, 2)


PAIRS = [
    ("If it depends on the Russian Federation", "If it depends on Russia"),
    ("flagrantly stepped on and ignored", "rudely ignore and trample on our interests"),
    ("muddy the waters in many ways", "throwing wool over our eyes"),
]


def _group_of(sql, outlet, text):
    rows = sql(
        """SELECT g.claim_group_id FROM claims c JOIN claim_groups g USING (claim_id)
                  JOIN articles a USING (article_id) WHERE a.outlet = ? AND position(? IN c.content) > 0""",
        [outlet, text],
    )
    assert len(rows) == 1, (outlet, text, rows)
    return rows[0][0]


@pytest.mark.parametrize("tass,mt", PAIRS)
def test_cross_outlet_wordings_share_a_claim_group(sql, tass, mt):
    assert _group_of(sql, "TASS", tass) == _group_of(sql, "The Moscow Times", mt)


def test_no_other_claims_merged_with_the_pairs(sql):
    groups = {_group_of(sql, o, t) for pair in PAIRS for o, t in zip(("TASS", "The Moscow Times"), pair)}
    members = sql(
        f"""SELECT count(*) FROM claim_groups WHERE claim_group_id IN
                      ({", ".join("?" * len(groups))})""",
        list(groups),
    )[0][0]
    assert members == 5  # the TASS quote holding two sentences is matched by two Moscow Times quotes
    # the two groups above, and the paraphrase pair of the two leads (tests/link/test_claim_groups.py)
    assert sql("SELECT count(*) FROM claim_corroboration WHERE n_claims > 1")[0][0] == 3


@pytest.mark.parametrize(
    "outlet,text", [("The Moscow Times", "retaliatory measures"), ("TASS", "moratorium")]
)
def test_story_coverage_shows_what_only_one_outlet_carried(sql, outlet, text):
    rows = sql("SELECT outlet, only_this_outlet FROM story_coverage WHERE position(? IN content) > 0", [text])
    assert rows == [(outlet, True)]


def test_pronoun_and_description_speakers_of_the_seeds(sql, lavrov):
    """Every he/him/who and diplomat description in the seeds is Lavrov; the non-speakers ('these
    statements', "Moscow's initiatives and Western responses") are nobody; 'its' is Russia's side or
    nobody; no speaker is a first- or second-person pronoun."""
    rows = sql("""SELECT c.speaker_text, c.speaker_entity_id, e.name, c.confidence FROM claims c
                  LEFT JOIN entities e ON e.entity_id = c.speaker_entity_id WHERE c.speaker_text IS NOT NULL""")
    by_text: dict[str, list] = {}
    for text, eid, name, conf in rows:
        by_text.setdefault(_plain(text), []).append((eid, name, conf))
    for text, got in by_text.items():
        low = text.lower()
        if low in ("he", "him", "who") or low.endswith("diplomat") or low.endswith("foreign minister"):
            assert all(eid == lavrov for eid, _, _ in got), (text, got)
    assert [n for _, n, _ in by_text["these statements"]] == [None]
    assert [n for _, n, _ in by_text["Moscow's initiatives and Western responses"]] == [None]
    assert {n for _, n, _ in by_text.get("its", [])} <= {None, "Moscow", "Russia", "Russian Federation"}
    assert not {n.lower() for _, n, _ in (x for v in by_text.values() for x in v) if n} & {
        "i",
        "we",
        "you",
        "me",
        "us",
        "my",
        "our",
        "your",
    }
    # a pronoun's resolution is less sure than the name's
    pron = [c for eid, _, c in by_text["he"] if eid == lavrov]
    named = [c for eid, _, c in by_text["Lavrov"] if eid == lavrov]
    assert pron and named and max(pron) <= max(named)
