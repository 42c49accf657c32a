"""Shared set-up for the report tests: one warehouse built by the real pipeline on the seeds plus a
hostile feed (an article whose text carries HTML/JS payloads, an empty file, a binary file).

Built once per test session, whichever report test module asks first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

XSS_ARTICLE = """Council vote sparks row over web safety

The city council voted on Tuesday to fund a new web safety office, officials said.

"We will not tolerate <script>window.__pwned=1</script> on our pages," Mayor Jo Pike said at the meeting.

Critics said the plan was "><img src=x onerror="window.__pwned=2"> a waste of money, according to council member Ann Lee.

The office will open next year.
"""

HOSTILE_SOURCE = """
[[sources]]
name = "hostile"
kind = "text_dir"
path = "hostile"
glob = "*.txt"
outlet = "Example Gazette"
"""

#: the seed's cross-outlet claim pairs, found by content: (TASS fragment, The Moscow Times fragment)
SEED_PAIRS = [
    ("If it depends on the Russian Federation", "If it depends on Russia,"),
    ("flagrantly stepped on and ignored", "rudely ignore and trample on our interests"),
    ("muddy the waters", "throwing wool over our eyes"),
]

_CACHE: dict[str, object] = {}


def build_report_warehouse(root: Path):
    """Run the real pipeline (no Prefect engine) on seeds + hostile feed; returns (Warehouse, info)."""
    if "wh" in _CACHE:
        return _CACHE["wh"], _CACHE["info"]
    from newsclaims.pipeline import run_local
    from newsclaims.settings import Warehouse

    feed = root / "seeds"
    shutil.copytree(REPO / "seeds", feed)
    (feed / "hostile").mkdir()
    (feed / "hostile" / "xss.txt").write_text(XSS_ARTICLE, encoding="utf-8")
    (feed / "hostile" / "empty.txt").write_bytes(b"")
    (feed / "hostile" / "noise.txt").write_bytes(bytes(range(256)) * 12)
    with open(feed / "sources.toml", "a", encoding="utf-8") as f:
        f.write(HOSTILE_SOURCE)
    wh = Warehouse.resolve(root / "wh")
    summary = run_local(feed / "sources.toml", wh)
    info = {"run_id": summary.run_id, "fixture_stories": install_story_fixture(wh)}
    info.update(seed_ids(wh))
    _CACHE["wh"], _CACHE["info"] = wh, info
    return wh, info


def seed_ids(wh) -> dict:
    """Article ids and the cross-outlet claim pairs of the seeds, by content."""
    from newsclaims.load import database

    _, arts = database.query(wh, "SELECT outlet, article_id FROM articles")
    ids = {o: a for o, a in arts}
    _, claims = database.query(
        wh,
        """SELECT a.outlet, c.claim_id, c.content FROM claims c JOIN articles a USING (article_id)
                               WHERE a.outlet IN ('TASS', 'The Moscow Times')""",
    )

    def find(outlet: str, fragment: str) -> str:
        hits = [cid for o, cid, content in claims if o == outlet and fragment in content]
        assert len(hits) == 1, (outlet, fragment, hits)
        return hits[0]

    pairs = [(find("TASS", t), find("The Moscow Times", m)) for t, m in SEED_PAIRS]
    return {"tass": ids["TASS"], "mt": ids["The Moscow Times"], "xss": ids["Example Gazette"], "pairs": pairs}


# ---------------------------------------------------------------------------------------------------
# TEMPORARY FIXTURE — drop once the load step fills article_stories / stories / claim_groups itself.
# When those tables are empty after the real pipeline run, put the two seed articles in one story, the
# hostile article in a story of its own (a story with no claim groups), and group the seed's three
# cross-outlet claim pairs (one TASS claim matches two Moscow Times claims, so that group has three claims).
# ---------------------------------------------------------------------------------------------------


def install_story_fixture(wh) -> bool:
    from newsclaims.load import database

    con = database.connect(wh)
    try:
        if (
            con.execute("SELECT count(*) FROM stories").fetchone()[0]
            or con.execute("SELECT count(*) FROM article_stories").fetchone()[0]
        ):
            return False  # the real pipeline assigns stories now: test against those
        ids = {o: a for o, a in con.execute("SELECT outlet, article_id FROM articles").fetchall()}
        run_id = con.execute("SELECT max(run_id) FROM runs").fetchone()[0]
        seed_story = "s_" + ids["TASS"]
        xss_story = "s_" + ids["Example Gazette"]
        con.execute(
            "INSERT INTO article_stories VALUES (?, ?, NULL, ?), (?, ?, 0.42, ?), (?, ?, NULL, ?)",
            [
                ids["TASS"],
                seed_story,
                run_id,
                ids["The Moscow Times"],
                seed_story,
                run_id,
                ids["Example Gazette"],
                xss_story,
                run_id,
            ],
        )
        con.execute("""INSERT INTO stories
            SELECT s.story_id, arg_min(a.title, a.ingested_at), min(a.published_date), max(a.published_date),
                   count(*), count(DISTINCT a.outlet)
            FROM article_stories s JOIN articles a USING (article_id) GROUP BY s.story_id""")
        con.close()
        pairs = seed_ids(wh)["pairs"]
        con = database.connect(wh)
        groups: dict[str, set[str]] = {}
        for t, m in pairs:  # union the pairs into groups
            merged = {t, m}
            for key in [k for k, v in groups.items() if v & merged]:
                merged |= groups.pop(key)
            groups["g_" + min(merged)] = merged
        for gid, members in groups.items():
            for cid in sorted(members):
                con.execute("INSERT INTO claim_groups VALUES (?, ?, ?)", [cid, "g_" + min(members), run_id])
        database.refresh_views(con)
        return True
    finally:
        con.close()
