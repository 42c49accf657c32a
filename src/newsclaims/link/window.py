"""What the link stage reads from the warehouse: the revision window a run re-clusters (the SQL form of
:func:`newsclaims.link.stories.revision_window`) and the earlier claims of the stories a run touched.
Both read the database; :func:`newsclaims.link.stage.link_batches` passes them to the pure functions of
:mod:`newsclaims.link.stories`."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from newsclaims.load import database
from newsclaims.load.sql import named_query
from newsclaims.settings import Warehouse


def day_of(value) -> Optional[dt.date]:
    return value.date() if isinstance(value, dt.datetime) else value


def revision_window_of(wh: Warehouse, new: list, articles: list[dict]) -> tuple[list, set[str]]:
    """The earlier articles a run re-clusters: :func:`newsclaims.link.stories.revision_window` in SQL, with
    the day of the run's newest ingestion as "now". Also the story ids that a new story could take
    ("s_" + a member's id) but a story outside the window has."""
    from newsclaims.extract.names import match_key  # person ids compared with their spelling folded
    from newsclaims.link.stories import MAX_WINDOW, REVISION_DAYS, StoryArticle

    days = dt.timedelta(days=REVISION_DAYS)
    since = day_of(max(a["ingested_at"] for a in articles)) - days
    dates = [a.published_date for a in new if a.published_date]
    lo = (min(dates) - days) if dates else None
    hi = (max(dates) + days) if dates else None
    con = database.connect(wh, read_only=True)
    try:
        rows = con.execute(
            named_query("link_revision_window"), [since, since, lo, lo, hi, MAX_WINDOW]
        ).fetchall()
        window = [
            StoryArticle(
                r[0], r[1], r[2], r[3], {match_key(e) for e in r[6] or []}, r[4], r[5], ingested=day_of(r[7])
            )
            for r in rows
        ]
        # the names a new story could take ("s_" + a member's id) that a story outside the window has
        inside = {a.story_id for a in window}
        names = ["s_" + aid.removeprefix("a_") for aid in [a.article_id for a in window + new]]
        # ... or that a story merged away had (a dead id is not given to another story)
        history = (
            "UNION SELECT old_story_id FROM story_changes WHERE old_story_id IN (SELECT unnest($1))"
            if database.has_column(con, "story_changes")
            else ""
        )
        taken = {
            sid
            for (sid,) in con.execute(
                f"SELECT story_id FROM article_stories WHERE story_id IN (SELECT unnest($1)) {history}",
                [names],
            ).fetchall()
            if sid not in inside
        }
    finally:
        con.close()
    return window, taken


def claims_of_stories(
    wh: Warehouse, read_ids: set[str], current: dict[str, str], stories_touched: set[str]
) -> list:
    """The warehouse's claims (with a resolved speaker) of the stories in ``read_ids``, each with its
    article's revised story (``current``), kept when that story is one this run touched; with the
    entity mentions inside each claim's content."""
    from newsclaims.extract.names import match_key
    from newsclaims.link.stories import GroupClaim

    con = database.connect(wh, read_only=True)
    try:
        placeholders = ", ".join("?" * len(read_ids))
        # a warehouse loaded before migration 003 has no signatures yet (the load adds the column)
        signatures = "c.group_segments" if database.has_column(con, "claims", "group_segments") else "NULL"
        rows = con.execute(
            f"""
            SELECT c.claim_id, c.article_id, s.story_id, c.speaker_entity_id, c.content, g.claim_group_id,
                   c.content_start, c.content_end, {signatures}
            FROM claims c JOIN article_stories s USING (article_id)
            LEFT JOIN claim_groups g USING (claim_id)
            WHERE s.story_id IN ({placeholders}) AND c.speaker_entity_id IS NOT NULL""",
            list(read_ids),
        ).fetchall()
        mrows = con.execute(
            f"""
            SELECT m.article_id, m.start_char, m.end_char, m.text, m.entity_id FROM mentions m
            JOIN article_stories s USING (article_id)
            WHERE s.story_id IN ({placeholders}) AND m.entity_id IS NOT NULL""",
            list(read_ids),
        ).fetchall()
    finally:
        con.close()
    old_spans: dict[str, list] = {}
    for aid, s, e, text, eid in mrows:
        old_spans.setdefault(aid, []).append((s, e, text, match_key(eid)))
    return [
        GroupClaim(
            r[0],
            r[1],
            current.get(r[1], r[2]),
            match_key(r[3]),
            r[4],
            r[5],
            [(t, eid) for s, e, t, eid in old_spans.get(r[1], []) if r[6] <= s and e <= r[7]],
            r[8],
        )
        for r in rows
        if current.get(r[1], r[2]) in stories_touched
    ]
