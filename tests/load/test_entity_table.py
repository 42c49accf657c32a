"""The entity table an analyst reads: readable ids, roles apart from names, parties, ministries and
places not typed PERSON, cross-article links made at load, and the views for "who said what" and
"who is quoted most". Composed text and a real DuckDB file; the BBC check skips without ../shared."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from conftest import SHARED_EVAL

from newsclaims.extract.entities import ArticleEntities
from newsclaims.extract.kb import load_kb
from newsclaims.extract.nlp import load_pipeline_nlp
from newsclaims.load import database
from newsclaims.load import entity_links as entity_table


def entities_of(text):
    return ArticleEntities(load_pipeline_nlp()(text), load_kb())


def people(ents):
    return {c.canonical_name: c for c in ents.clusters if c.type == "PERSON"}


def type_of(ents, surface):
    for c in ents.clusters:
        if any(m.text == surface for m in c.mentions):
            return c.type
    return None


# --- ids read as names --------------------------------------------------------------------------


def test_person_ids_are_the_name_as_written_not_the_matching_key():
    ents = entities_of("Tony Blair met Gordon Brown and Dmitry Peskov. Mr Blair said the talks went well.")
    ids = {c.entity_id for c in ents.clusters if c.type == "PERSON"}
    assert {"person:tony-blair", "person:gordon-brown", "person:dmitry-peskov"} <= ids
    blair = people(ents)["Tony Blair"]
    assert blair.key != "tony-blair"  # the folded key still exists, for matching only
    assert any(m.text == "Blair" for m in blair.mentions)


# --- titles are roles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, name, role",
    [
        ("Archbishop Desmond Tutu said the vote was a triumph.", "Desmond Tutu", "Archbishop"),
        ("Foreign Secretary Jack Straw told MPs the plan was sound.", "Jack Straw", "Foreign Secretary"),
        ("Professor Ada Mwangi said the results were clear.", "Ada Mwangi", "Professor"),
        (
            "Shadow Home Secretary David Davis said the bill was flawed.",
            "David Davis",
            "Shadow Home Secretary",
        ),
        ("Mr Peter Hall said he would resign.", "Peter Hall", None),
    ],
)
def test_titles_are_roles_not_names(text, name, role):
    ents = entities_of(text)
    ppl = people(ents)
    assert name in ppl, list(ppl)
    c = ppl[name]
    assert c.entity_id == "person:" + name.lower().replace(" ", "-")
    assert c.roles == ({role} if role else set())


def test_a_title_and_a_first_name_do_not_join_another_person():
    ents = entities_of(
        "Charles Kennedy met Prince Charles at the palace. Prince Charles said he had enjoyed it."
    )
    kennedy = people(ents)["Charles Kennedy"]
    assert [m.text for m in kennedy.mentions] == ["Charles Kennedy"]


# --- parties, ministries, councils, places are not people -----------------------------------------


@pytest.mark.parametrize(
    "text, tagged, surface, want",
    [
        # (text, what the tagger called PERSON, the span to look at, the label the rules give it)
        ("Labour said the plan would cost jobs.", ["Labour"], "Labour", "ORG"),
        ("The Lib Dems said it was misguided.", ["The Lib Dems"], "Lib Dems", "ORG"),
        ("Ex-Labour MP Ann Cole said no.", ["Ex-Labour"], "Ex-Labour", "ORG"),
        (
            "The Riverside Health Board said waiting lists were falling.",
            ["Riverside Health Board"],
            "Riverside Health Board",
            "ORG",
        ),
        ("MI6 and BAA said nothing.", ["MI6", "BAA"], "BAA", "ORG"),
        (
            "He wrote to the rural affairs ministry, Agrova. Later Agrova said it had paid.",
            ["Agrova"],
            "Agrova",
            "ORG",
        ),
        ("Across Wales, turnout was low.", ["Across Wales"], "Wales", "GPE"),
        ("Pubs in Guildford and Woolwich were bombed in 1974.", ["Woolwich"], "Woolwich", "GPE"),
        ("Police said the march in Tarnby passed off peacefully.", ["Tarnby"], "Tarnby", "GPE"),
        ("MPs voted for the Bill on Monday.", ["Bill"], "Bill", None),
        # people stay people: a title, or a place-like slot but the word speaks
        ("Mr Brown said he had faith in Brown and his plan.", ["Brown"], "Brown", "PERSON"),
        ("Voters put their trust in Osmond. Osmond said he was grateful.", ["Osmond"], "Osmond", "PERSON"),
        ("Archbishop Desmond Tutu said it was a triumph.", ["Desmond Tutu"], "Desmond Tutu", "PERSON"),
        (
            "Critics of the Kessler government were loud. Kessler said they were wrong.",
            ["Kessler"],
            "Kessler",
            "PERSON",
        ),
        ("The Bill was passed. Mostly, the Bill helps farmers.", ["Bill"], "Bill", None),
    ],
)
def test_parties_ministries_councils_and_places_are_not_typed_person(text, tagged, surface, want):
    """The rules correct the tagger's PERSON on the spans it gets wrong in news (BBC politics has
    "Labour", "Lib Dem", "Defra", "Across Wales", "Woolwich" as PERSON): composed look-alikes."""
    from newsclaims.extract import ner_rules
    from newsclaims.extract.nlp import load_nlp

    doc = load_nlp()(text)
    spans = []
    for t in tagged:
        for k in range(text.count(t)):
            s = text.index(t, spans[-1][1] if spans and text[spans[-1][0] : spans[-1][1]] == t else 0)
            spans.append((s, s + len(t), "PERSON", "ner"))
    spans = ner_rules.refine_spans(doc, spans, load_kb(), ["boundaries", "kb_countries", "not_people"])
    got = {text[s:e]: label for s, e, label, _ in spans}
    assert got.get(surface) == want, got


# --- cross-article links at load --------------------------------------------------------------------


@pytest.fixture()
def con(tmp_path):
    c = duckdb.connect(str(tmp_path / "wh.duckdb"))
    database.apply_migrations(c)
    yield c
    c.close()


def add_article(con, aid, *, feed="f", day=None, story=None, persons=(), speaker=None):
    """An article row with its story, PERSON entity rows (id, name) and one mention and claim each."""
    con.execute(
        """INSERT INTO articles (article_id, feed, outlet, published_date, body, word_count,
                   raw_path, raw_sha256, ingested_at, run_id)
                   VALUES (?, ?, 'O', ?, 'body', 1, ?, 'x', now(), 'r')""",
        [aid, feed, day, f"/{aid}.txt"],
    )
    if story:
        con.execute("INSERT INTO article_stories VALUES (?, ?, NULL, 'r')", [aid, story])
    for k, (eid, name) in enumerate(persons):
        con.execute(
            "INSERT INTO entity_aliases VALUES (?, ?, ?, 'PERSON', ?, NULL, 2, ['Minister'])",
            [eid, aid, name, name],
        )
        con.execute(
            "INSERT INTO mentions VALUES (?, ?, ?, 'PERSON', ?, ?, 'ner')",
            [aid, eid, name, k * 10, k * 10 + 5],
        )
        con.execute(
            """INSERT INTO claims (claim_id, article_id, kind, speaker_entity_id, content, content_start,
                       content_end, confidence) VALUES (?, ?, 'direct', ?, 'x', 0, 1, 0.5)""",
            [f"c_{aid}_{k}", aid, eid],
        )


def load_step(con, build):
    """What the load step does for the articles added by ``build``."""
    con.execute("BEGIN TRANSACTION")
    entity_table.remember_known_articles(con)
    build()
    n = entity_table.link_new_articles(con, "r")
    database.rebuild_entities(con)
    con.execute("COMMIT")
    return n


def speaker_of(con, aid):
    return con.execute("SELECT speaker_entity_id FROM claims WHERE article_id = ?", [aid]).fetchall()[0][0]


def test_surname_joins_the_one_full_name_of_its_story(con):
    def build():
        add_article(con, "a1", story="s1", persons=[("person:john-prescott", "John Prescott")])
        add_article(con, "a2", story="s1", persons=[("person:prescott", "Prescott")])

    assert load_step(con, build) == 1
    assert speaker_of(con, "a2") == "person:john-prescott"
    assert con.execute("SELECT linked_id, rule FROM entity_links WHERE article_id = 'a2'").fetchall() == [
        ("person:john-prescott", "surname-story")
    ]
    assert (
        con.execute("SELECT count(*) FROM mentions WHERE entity_id = 'person:prescott'").fetchall()[0][0] == 0
    )
    assert (
        con.execute("SELECT count(*) FROM entities WHERE entity_id = 'person:prescott'").fetchall()[0][0] == 0
    )
    name, aliases = con.execute(
        "SELECT name, aliases FROM entities WHERE entity_id = 'person:john-prescott'"
    ).fetchall()[0]
    assert name == "John Prescott" and set(aliases) == {"John Prescott", "Prescott"}


def test_surname_stays_apart_when_two_full_names_share_it(con):
    def build():
        add_article(con, "a1", story="s1", persons=[("person:michael-howard", "Michael Howard")])
        add_article(con, "a2", story="s1", persons=[("person:john-howard", "John Howard")])
        add_article(con, "a3", story="s1", persons=[("person:howard", "Howard")])

    assert load_step(con, build) == 0
    assert speaker_of(con, "a3") == "person:howard"


def test_story_with_two_does_not_fall_back_to_the_feed(con):
    def build():
        add_article(
            con,
            "a1",
            story="s1",
            day=dt.date(2005, 3, 1),
            persons=[("person:michael-howard", "Michael Howard")],
        )
        add_article(
            con, "a2", story="s1", day=dt.date(2005, 3, 1), persons=[("person:john-howard", "John Howard")]
        )
        add_article(con, "a3", story="s1", day=dt.date(2005, 3, 1), persons=[("person:howard", "Howard")])
        add_article(con, "a4", story="s2", day=dt.date(2005, 3, 2), persons=[("person:howard", "Howard")])

    load_step(con, build)
    assert speaker_of(con, "a3") == "person:howard"
    # a4's story names nobody; its feed's window names two Howards: apart
    assert speaker_of(con, "a4") == "person:howard"


def test_feed_window_links_within_days_and_not_beyond(con):
    def build():
        add_article(
            con,
            "a1",
            story="s1",
            day=dt.date(2005, 3, 1),
            persons=[("person:john-prescott", "John Prescott")],
        )
        add_article(con, "a2", story="s2", day=dt.date(2005, 3, 5), persons=[("person:prescott", "Prescott")])
        add_article(
            con, "a3", story="s3", day=dt.date(2005, 4, 30), persons=[("person:prescott", "Prescott")]
        )
        add_article(
            con,
            "a4",
            story="s4",
            feed="other",
            day=dt.date(2005, 3, 2),
            persons=[("person:prescott", "Prescott")],
        )

    load_step(con, build)
    assert speaker_of(con, "a2") == "person:john-prescott"
    assert speaker_of(con, "a3") == "person:prescott"  # 60 days later
    assert speaker_of(con, "a4") == "person:prescott"  # another feed
    assert con.execute("SELECT rule FROM entity_links WHERE article_id = 'a2'").fetchall() == [
        ("surname-feed",)
    ]


def test_spelling_variants_take_the_id_the_warehouse_saw_first(con):
    load_step(con, lambda: add_article(con, "a1", persons=[("person:sergei-lavrov", "Sergei Lavrov")]))
    load_step(con, lambda: add_article(con, "a2", persons=[("person:sergey-lavrov", "Sergey Lavrov")]))
    assert speaker_of(con, "a2") == "person:sergei-lavrov"
    row = con.execute(
        "SELECT aliases, roles, mention_count FROM entities WHERE entity_id = 'person:sergei-lavrov'"
    ).fetchall()
    assert (
        row
        and set(row[0][0]) == {"Sergei Lavrov", "Sergey Lavrov"}
        and row[0][1] == ["Minister"]
        and row[0][2] == 2
    )
    # a different person with the same surname is not a spelling variant
    load_step(con, lambda: add_article(con, "a3", persons=[("person:anna-lavrova", "Anna Lavrova")]))
    assert speaker_of(con, "a3") == "person:anna-lavrova"


def test_links_are_decided_once_when_the_article_is_loaded(con):
    load_step(con, lambda: add_article(con, "a1", story="s1", persons=[("person:prescott", "Prescott")]))
    assert speaker_of(con, "a1") == "person:prescott"
    load_step(
        con, lambda: add_article(con, "a2", story="s1", persons=[("person:john-prescott", "John Prescott")])
    )
    assert speaker_of(con, "a1") == "person:prescott"  # already loaded: not revisited
    assert con.execute("SELECT count(*) FROM entity_links").fetchall()[0][0] == 0


# --- views ------------------------------------------------------------------------------------------


def test_who_said_what_carries_story_and_claim_group_and_speakers_counts_unresolved_once(con):
    def build():
        add_article(con, "a1", story="s1", persons=[("person:ada-berg", "Ada Berg")])
        add_article(con, "a2", story="s1", persons=[("person:ada-berg", "Ada Berg")])
        for k, text in enumerate(["I", "it", None]):
            con.execute(
                """INSERT INTO claims (claim_id, article_id, kind, speaker_entity_id, speaker_text, content,
                           content_start, content_end, confidence) VALUES (?, 'a1', 'indirect', NULL, ?, 'y', 0, 1, 0.5)""",
                [f"c_u{k}", text],
            )
        con.execute(
            "INSERT INTO claim_groups VALUES ('c_a1_0', 'g_c_a1_0', 'r'), ('c_a2_0', 'g_c_a1_0', 'r')"
        )

    load_step(con, build)
    database.refresh_views(con)
    rows = con.execute(
        "SELECT claim_id, story_id, claim_group_id FROM who_said_what ORDER BY claim_id"
    ).fetchall()
    assert ("c_a1_0", "s1", "g_c_a1_0") in rows and ("c_a2_0", "s1", "g_c_a1_0") in rows
    assert ("c_u0", "s1", None) in rows
    assert con.execute(
        "SELECT speaker, speaker_resolved FROM who_said_what WHERE claim_id IN ('c_u0', 'c_a1_0') "
        "ORDER BY claim_id"
    ).fetchall() == [("Ada Berg", True), ("I", False)]
    spk = con.execute(
        "SELECT speaker, speaker_entity_id, resolved, n_claims, n_claim_groups, n_articles "
        "FROM speakers ORDER BY n_claims DESC"
    ).fetchall()
    assert spk == [("(unresolved)", None, False, 3, 3, 1), ("Ada Berg", "person:ada-berg", True, 2, 1, 2)]


# --- on real articles: BBC politics ---------------------------------------------------------------

BBC_POLITICS = SHARED_EVAL / "bbc_news" / "politics"


@pytest.mark.skipif(not BBC_POLITICS.is_dir(), reason="shared BBC News set not present")
def test_bbc_politics_sample_has_no_party_ministry_or_region_typed_person(tmp_path):
    """The pipeline on 60 BBC politics articles: no entity typed PERSON is a party, ministry or place
    of the knowledge base or of the not-people rules, and no resolved speaker is a pronoun."""
    from newsclaims.pipeline import run_local
    from newsclaims.settings import Warehouse

    feed = tmp_path / "feed"
    feed.mkdir()
    for p in sorted(BBC_POLITICS.glob("*.txt"))[:60]:
        (feed / p.name).write_bytes(p.read_bytes())
    (tmp_path / "sources.toml").write_text(
        f'[[sources]]\nname = "bbc"\nkind = "text_dir"\npath = "{feed}"\nglob = "*.txt"\noutlet = "BBC"\n'
    )
    wh = Warehouse.resolve(tmp_path / "wh")
    run_local(tmp_path / "sources.toml", wh)
    _, rows = database.query(wh, "SELECT name, type FROM entities ORDER BY mention_count DESC LIMIT 50")
    persons = [n for n, t in rows if t == "PERSON"]
    kb = load_kb()
    assert not [n for n in persons if (e := kb.lookup(n)) is not None and e.type != "PERSON"]
    party_words = {
        "labour",
        "tory",
        "tories",
        "conservatives",
        "dem",
        "dems",
        "democrats",
        "party",
        "council",
        "ministry",
        "department",
        "office",
        "wales",
        "scotland",
        "england",
    }
    assert not [n for n in persons if set(n.lower().split()) & party_words], persons
    _, spk = database.query(wh, "SELECT speaker FROM speakers WHERE resolved ORDER BY n_claims DESC LIMIT 20")
    assert spk and not {s.lower() for (s,) in spk} & {"i", "we", "you", "it", "they", "he", "she"}
    _, ids = database.query(wh, "SELECT entity_id FROM entities WHERE name = 'Tony Blair'")
    assert ids == [("person:tony-blair",)]
