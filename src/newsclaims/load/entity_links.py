"""Cross-article entity links, made by the load step for the articles it adds.

Extraction resolves entities inside one article and gives people readable ids from their name as
written (``person:sergey-lavrov``). Two things only the warehouse can see are decided here, once,
when an article is loaded (like its story, never revisited):

``spelling``       a person id whose name folds to the same transliteration key as a person already
                   in the warehouse takes that person's id (Sergei/Sergey, Zelensky/Zelenskyy): the
                   first spelling the warehouse saw names the id; among new ones, the most mentioned
``surname-story``  a person known only by a surname in an article ("Prescott") joins the full-name
                   person with that surname ("John Prescott") when exactly one such full name is in
                   the article's story; with two or more ("Michael Howard", "John Howard") it stays
                   apart
``surname-feed``   when the story names none, the same test over the same feed's recent window:
                   articles published within :data:`WINDOW_DAYS` days of it (an undated article:
                   the undated articles of its feed loaded with it)

The rewritten ids replace the article's own in ``mentions``, ``claims`` and ``entity_aliases``;
each change is a row of ``entity_links`` (article, old id, new id, rule), so the article's own view
can always be read back.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Optional

import duckdb

from newsclaims.extract.names import person_key, translit_fold
from newsclaims.load.sql import named_query

#: the feed window of the surname rule, in days either side of the article's date
WINDOW_DAYS = 7

_NEW = "_nc_new_articles"
_KNOWN = "_nc_known_articles"


def remember_known_articles(con: duckdb.DuckDBPyConnection) -> None:
    """Before the load inserts anything: note which articles are already in the warehouse."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {_KNOWN} AS SELECT article_id FROM articles")


def _key(name: str) -> str:
    return person_key(name.split())


def link_new_articles(con: duckdb.DuckDBPyConnection, run_id: Optional[str] = None) -> int:
    """Link the entities of the articles added since :func:`remember_known_articles`; returns the
    number of (article, entity) pairs rewritten."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {_NEW} AS
        SELECT article_id FROM articles WHERE article_id NOT IN (SELECT article_id FROM {_KNOWN})""")
    try:
        links = _spelling_links(con)
        n = _apply(con, links, run_id)
        links = _surname_links(con)
        n += _apply(con, links, run_id)
        return n
    finally:
        con.execute(f"DROP TABLE IF EXISTS {_NEW}")
        con.execute(f"DROP TABLE IF EXISTS {_KNOWN}")


def _spelling_links(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str, Optional[str]]]:
    """(article_id, entity_id, linked_id, rule, linked_name) for spelling variants of one person."""
    # the entities table still holds what the previous loads made (it is rebuilt after this step)
    existing = con.execute("""
        SELECT entity_id, name, mention_count FROM entities
        WHERE type = 'PERSON' AND entity_id LIKE 'person:%'""").fetchall()
    new = con.execute(f"""
        SELECT article_id, entity_id, any_value(name), sum(n_mentions) FROM entity_aliases
        WHERE type = 'PERSON' AND entity_id LIKE 'person:%'
          AND article_id IN (SELECT article_id FROM {_NEW})
        GROUP BY article_id, entity_id""").fetchall()
    canonical: dict[str, tuple[int, str]] = {}  # key -> (mentions, id), existing ids first
    for eid, name, n in existing:
        k = _key(name)
        if k and (k not in canonical or (-n, eid) < (-canonical[k][0], canonical[k][1])):
            canonical[k] = (n, eid)
    fresh: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _, eid, name, n in new:
        k = _key(name)
        if k and k not in canonical:
            fresh[k][eid] += n
    for k, ids in fresh.items():
        eid = min(ids, key=lambda e: (-ids[e], e))
        canonical[k] = (ids[eid], eid)
    out = []
    for aid, eid, name, _ in new:
        k = _key(name)
        target = canonical.get(k, (0, eid))[1] if k else eid
        if target != eid:
            out.append((aid, eid, target, "spelling", None))
    return out


def _surname_links(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str, str, Optional[str]]]:
    """Surname-only people of the new articles joined to the one full name with that surname in
    their story, else in their feed's recent window."""
    single = con.execute(f"""
        SELECT DISTINCT article_id, entity_id, name FROM entity_aliases
        WHERE type = 'PERSON' AND entity_id LIKE 'person:%' AND NOT contains(trim(name), ' ')
          AND article_id IN (SELECT article_id FROM {_NEW})""").fetchall()
    if not single:
        return []
    # the articles that can hold a full name for them: the new ones, and earlier ones of their
    # stories or of their feeds' windows (each article's own window is checked below)
    ctx_rows = con.execute(f"""
        WITH new AS (
            SELECT a.article_id, a.feed, a.published_date, s.story_id
            FROM articles a LEFT JOIN article_stories s USING (article_id)
            WHERE a.article_id IN (SELECT article_id FROM {_NEW})
        )
        SELECT a.article_id, a.feed, a.published_date, s.story_id,
               a.article_id IN (SELECT article_id FROM {_NEW}) AS is_new
        FROM articles a LEFT JOIN article_stories s USING (article_id)
        WHERE a.article_id IN (SELECT article_id FROM {_NEW})
           OR s.story_id IN (SELECT story_id FROM new)
           OR EXISTS (SELECT 1 FROM new n WHERE n.feed = a.feed AND n.published_date IS NOT NULL
                      AND a.published_date IS NOT NULL
                      AND abs(date_diff('day', n.published_date, a.published_date)) <= {WINDOW_DAYS})
        """).fetchall()
    ctx = {r[0]: r[1:] for r in ctx_rows}
    con.execute("CREATE OR REPLACE TEMP TABLE _nc_ctx (article_id VARCHAR)")
    con.executemany("INSERT INTO _nc_ctx VALUES (?)", [(a,) for a in ctx])
    try:
        full = con.execute("""
            SELECT DISTINCT ea.article_id, ea.entity_id, ea.name FROM entity_aliases ea
            WHERE ea.type = 'PERSON' AND contains(trim(ea.name), ' ')
              AND ea.article_id IN (SELECT article_id FROM _nc_ctx)""").fetchall()
    finally:
        con.execute("DROP TABLE IF EXISTS _nc_ctx")
    by_surname: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for aid, eid, name in full:
        by_surname[translit_fold(name.split()[-1])].append((aid, eid, name))

    def in_window(a: tuple, o: tuple) -> bool:
        (feed, day, _, _), (ofeed, oday, _, onew) = a, o
        if feed != ofeed:
            return False
        if day is not None and oday is not None:
            return abs((day - oday).days) <= WINDOW_DAYS
        return day is None and oday is None and onew

    out = []
    for aid, eid, name in single:
        me = ctx[aid]
        story: dict[str, str] = {}
        feed: dict[str, str] = {}
        for oid, cand, cand_name in by_surname.get(translit_fold(name.strip()), ()):
            if oid == aid:
                continue
            other = ctx[oid]
            if me[2] is not None and other[2] == me[2]:
                story.setdefault(cand, cand_name)
            if in_window(me, other):
                feed.setdefault(cand, cand_name)
        if len(story) == 1:
            ((target, tname),) = story.items()
            out.append((aid, eid, target, "surname-story", tname))
        elif not story and len(feed) == 1:
            ((target, tname),) = feed.items()
            out.append((aid, eid, target, "surname-feed", tname))
    return out


def _apply(con: duckdb.DuckDBPyConnection, links: list, run_id: Optional[str]) -> int:
    """Rewrite the ids of the new articles' rows and record the links."""
    links = [x for x in links if x[1] != x[2]]
    if not links:
        return 0
    con.execute("""CREATE OR REPLACE TEMP TABLE _nc_links (
        article_id VARCHAR, entity_id VARCHAR, linked_id VARCHAR, rule VARCHAR, linked_name VARCHAR)""")
    con.executemany("INSERT INTO _nc_links VALUES (?, ?, ?, ?, ?)", links)
    try:
        con.execute("""UPDATE mentions SET entity_id = l.linked_id FROM _nc_links l
                       WHERE mentions.article_id = l.article_id AND mentions.entity_id = l.entity_id""")
        con.execute("""UPDATE claims SET speaker_entity_id = l.linked_id FROM _nc_links l
                       WHERE claims.article_id = l.article_id AND claims.speaker_entity_id = l.entity_id""")
        con.execute(named_query("entity_links_aliases"))
        con.execute("DELETE FROM entity_aliases WHERE article_id IN (SELECT article_id FROM _nc_links)")
        con.execute(named_query("entity_links_insert_aliases"))
        con.execute(
            """INSERT OR REPLACE INTO entity_links
            SELECT article_id, entity_id, linked_id, rule, ? FROM _nc_links""",
            [run_id],
        )
    finally:
        con.execute("DROP TABLE IF EXISTS _nc_links")
        con.execute("DROP TABLE IF EXISTS _nc_aliases")
    return len(links)
