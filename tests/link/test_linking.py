"""Stories and claim groups on texts we composed ourselves."""

import datetime as dt

from newsclaims.link.stories import GroupClaim, StoryArticle, assign_stories, group_claims

D = dt.date(2024, 3, 4)


def art(aid, title, body, ents=(), day=D):
    return StoryArticle(aid, day, title, body, set(ents))


def test_same_event_joins_and_other_event_starts_a_story():
    a = art(
        "a_1",
        "Flood closes bridge in Dorset",
        "Heavy rain flooded the river and the council closed the "
        "old bridge in Dorset on Monday, said engineer Paul Rees.",
        {"gpe:dorset", "person:paul-rees"},
    )
    b = art(
        "a_2",
        "Dorset bridge shut after flooding",
        "The old bridge over the flooded river in Dorset was "
        "closed by the council, engineer Paul Rees told reporters.",
        {"gpe:dorset", "person:paul-rees"},
    )
    c = art(
        "a_3",
        "Chess champion retains title",
        "The reigning chess champion won the final game in Oslo and kept her world title.",
        {"gpe:oslo"},
    )
    out = assign_stories([a, b, c], [])
    assert out["a_1"][0] == out["a_2"][0] != out["a_3"][0]
    assert out["a_1"][1] is None and out["a_2"][1] is not None


def test_time_window_keeps_old_stories_closed():
    old = art("a_1", "Flood closes bridge", "Flood closes the old bridge in Dorset.", {"gpe:dorset"}, D)
    old.story_id = "s_1"
    new = art(
        "a_2",
        "Flood closes bridge",
        "Flood closes the old bridge in Dorset.",
        {"gpe:dorset"},
        D + dt.timedelta(days=30),
    )
    assert assign_stories([new], [old])["a_2"][0] != "s_1"


def claim(cid, aid, text, speaker="person:x", story="s"):
    return GroupClaim(cid, aid, story, speaker, text)


def test_translations_and_partial_quotes_group_distinct_statements_do_not():
    a = claim("c_1", "a_1", "We will never accept these sanctions, and we will answer them firmly.")
    b = claim(
        "c_2", "a_2", "“We shall not accept such sanctions,” he said, adding they would be answered firmly."
    )
    c = claim("c_3", "a_2", "The harvest this year was the best in a decade for our farmers.")
    groups = group_claims([a, b, c], [])
    assert groups["c_1"] == groups["c_2"] != groups["c_3"]


def test_different_speakers_never_group_a_repeat_in_one_article_does():
    a = claim("c_1", "a_1", "We will never accept these sanctions and will answer firmly.", "person:x")
    b = claim("c_2", "a_2", "We will never accept these sanctions and will answer firmly.", "person:y")
    c = claim("c_3", "a_1", "We will never accept these sanctions and will answer firmly.", "person:x")
    groups = group_claims([a, b, c], [])
    assert groups["c_1"] == groups["c_3"] != groups["c_2"]


def test_new_claim_joins_an_existing_group_and_keeps_its_id():
    old = claim("c_9", "a_1", "Inflation will fall below three percent by the summer, the governor said.")
    old.group_id = "g_existing"
    new = claim("c_1", "a_2", "inflation would fall below three percent by summer")
    assert group_claims([new], [old]) == {"c_1": "g_existing"}


def test_incremental_runs_give_the_same_stories_and_groups_as_one_run(tmp_path):
    """An article arriving in a later run joins the story and claim groups of earlier ones."""
    import shutil

    from conftest import REPO

    from newsclaims.load import database
    from newsclaims.pipeline import run_local
    from newsclaims.settings import Warehouse

    def setup(name):
        root = tmp_path / name
        (root / "raw").mkdir(parents=True)
        (root / "sources.toml").write_text('[[sources]]\nname = "s"\nkind = "text_dir"\npath = "raw"\n')
        return root

    def groups(root):
        wh = Warehouse.resolve(root / "wh")
        return sorted(
            database.query(
                wh,
                """SELECT g.claim_group_id, c.claim_id, s.story_id FROM claim_groups g
                                     JOIN claims c USING (claim_id) JOIN article_stories s USING (article_id)""",
            )[1]
        )

    seeds = sorted((REPO / "seeds" / "raw").glob("*.txt"))
    once = setup("once")
    for f in seeds:
        shutil.copy(f, once / "raw")
    run_local(once / "sources.toml", Warehouse.resolve(once / "wh"))

    twice = setup("twice")
    shutil.copy(seeds[0], twice / "raw")
    run_local(twice / "sources.toml", Warehouse.resolve(twice / "wh"))
    shutil.copy(seeds[1], twice / "raw")
    run_local(twice / "sources.toml", Warehouse.resolve(twice / "wh"))

    def partition(rows):  # group ids name a group after its first claim, which depends on arrival order
        by_group = {}
        for g, c, s in rows:
            by_group.setdefault(g, set()).add((c, s))
        return sorted(sorted(members) for members in by_group.values())

    assert partition(groups(once)) == partition(groups(twice))
    assert len({g for g, _, _ in groups(twice)}) < len(groups(twice))  # some groups span both outlets
