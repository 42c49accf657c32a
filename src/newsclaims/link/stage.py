"""The link stage: the run's new articles into stories, their claims into claim groups.

:func:`link_batches` (re-exported by :mod:`newsclaims.pipeline`, called by the flow after extraction
and before the load) reads the run's committed lake batches, re-clusters the revision window with
the new articles (:func:`newsclaims.link.stories.revise_stories`), groups the new claims with the
earlier claims of the stories they joined (:func:`newsclaims.link.stories.group_claims`) and writes
the result as one more lake batch (``l_...``: article stories, story changes, claim groups). The
steps, in the order :func:`link_batches` runs them, are the small functions below it.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Optional

from pydantic import BaseModel

from newsclaims.extract.names import match_key  # person ids compared with their spelling folded
from newsclaims.link.stories import GroupClaim, StoryArticle, group_claims, revise_stories
from newsclaims.link.window import claims_of_stories, day_of, revision_window_of
from newsclaims.load import database, lake
from newsclaims.models import ArticleStory, ClaimGroup, StoryChange
from newsclaims.settings import Warehouse

#: an entity mention as the link stage keeps it: start, end, text as written, folded entity id
EntitySpan = tuple[int, int, str, str]


class LinkResult(BaseModel):
    batch_id: Optional[str] = None
    n_articles: int = 0
    n_new_stories: int = 0
    n_claims: int = 0
    n_grouped: int = 0  # new claims that joined a group with another claim
    n_moved: int = 0  # earlier articles this run moved to another story (story_changes)
    seconds: float = 0.0


def _lake_rows(wh: Warehouse, table: str, batch_ids: list[str]) -> list[dict]:
    rows: list[dict] = []
    for b in batch_ids:
        part = lake.read_batch_table(wh, table, b)
        if part is not None:
            rows.extend(part.to_pylist())
    return rows


def link_batches(wh: Warehouse, run_id: str, batch_ids: list[str]) -> LinkResult:
    """Assign the run's new articles to stories and their claims to claim groups (see :mod:`newsclaims.link.stories`)."""
    t0 = time.perf_counter()
    articles = _lake_rows(wh, "articles", batch_ids)
    if not articles:
        return LinkResult()
    mentions = _lake_rows(wh, "mentions", batch_ids)
    claims = _lake_rows(wh, "claims", batch_ids)
    ents_by_article, spans_by_article = _entities_by_article(mentions)
    new = _story_articles(articles, ents_by_article)
    existing: list[StoryArticle] = []
    taken: set[str] = set()
    if database.has_table(wh, "article_stories"):
        existing, taken = revision_window_of(wh, new, articles)
    assigned, changes = revise_stories(existing, new, taken=taken)
    new_ids = {a.article_id for a in new}
    story_of = {aid: sid for aid, (sid, _) in assigned.items() if aid in new_ids}
    existing_claims = _earlier_claims(wh, existing, changes, story_of)
    new_claims = _group_claims_of(claims, story_of, spans_by_article)
    groups = group_claims(new_claims, existing_claims)
    batch_id = _write_link_batch(wh, run_id, story_of, assigned, changes, groups)
    sizes = Counter(groups.values())
    existing_group_ids = {c.group_id for c in existing_claims}
    return LinkResult(
        batch_id=batch_id,
        n_articles=len(new),
        n_claims=len(groups),
        n_new_stories=len({sid for sid in story_of.values()} - {a.story_id for a in existing}),
        n_moved=len(changes),
        n_grouped=sum(1 for g in groups.values() if sizes[g] > 1 or g in existing_group_ids),
        seconds=time.perf_counter() - t0,
    )


def _entities_by_article(mentions: list[dict]) -> tuple[dict[str, set[str]], dict[str, list[EntitySpan]]]:
    """Per article, the folded ids of the entities it mentions (a story view) and the spans of those
    mentions (a claim's entities are the spans inside its content)."""
    ents_by_article: dict[str, set[str]] = {}
    spans_by_article: dict[str, list[EntitySpan]] = {}
    for m in mentions:
        if m["entity_id"]:
            ents_by_article.setdefault(m["article_id"], set()).add(match_key(m["entity_id"]))
            spans_by_article.setdefault(m["article_id"], []).append(
                (m["start_char"], m["end_char"], m["text"], match_key(m["entity_id"]))
            )
    return ents_by_article, spans_by_article


def _story_articles(articles: list[dict], ents_by_article: dict[str, set[str]]) -> list[StoryArticle]:
    """The run's new articles as story clustering sees them."""
    return [
        StoryArticle(
            a["article_id"],
            a["published_date"],
            a["title"],
            a["body"],
            ents_by_article.get(a["article_id"], set()),
            a["outlet"],
            ingested=day_of(a["ingested_at"]),
        )
        for a in articles
    ]


def _earlier_claims(
    wh: Warehouse, existing: list[StoryArticle], changes: list, story_of: dict[str, str]
) -> list[GroupClaim]:
    """The earlier claims the new claims may join: those of the stories the new articles joined.

    The warehouse still has the stories of before this run: read the claims of the articles that
    moved into a touched story too, and give every earlier claim its article's revised story."""
    stories_touched = set(story_of.values())
    current = {a.article_id: a.story_id for a in existing}
    read_ids = stories_touched | {c.old_story_id for c in changes if c.new_story_id in stories_touched}
    if existing and stories_touched:
        return claims_of_stories(wh, read_ids, current, stories_touched)
    return []


def _group_claims_of(
    claims: list[dict], story_of: dict[str, str], spans_by_article: dict[str, list[EntitySpan]]
) -> list[GroupClaim]:
    """The run's new claims as claim grouping sees them: story, folded speaker id, content and the
    entities mentioned inside the content."""

    def entity_spans(c: dict) -> list[tuple[str, str]]:
        return [
            (t, eid)
            for s, e, t, eid in spans_by_article.get(c["article_id"], [])
            if c["content_start"] <= s and e <= c["content_end"]
        ]

    return [
        GroupClaim(
            c["claim_id"],
            c["article_id"],
            story_of.get(c["article_id"]),
            match_key(c["speaker_entity_id"]),
            c["content"],
            None,
            entity_spans(c),
            c.get("group_segments"),
        )
        for c in claims
    ]


def _write_link_batch(
    wh: Warehouse,
    run_id: str,
    story_of: dict[str, str],
    assigned: dict[str, tuple[str, float]],
    changes: list,
    groups: dict[str, str],
) -> str:
    """Write and commit the stage's lake batch (its id derived from the new articles); returns the id."""
    batch_id = f"l_{lake.batch_digest(sorted(story_of))}"
    lake.write_batch(
        wh,
        batch_id,
        {
            ArticleStory: [
                ArticleStory(article_id=aid, story_id=sid, similarity=sim, run_id=run_id)
                for aid, (sid, sim) in sorted(assigned.items())
            ],
            StoryChange: [
                StoryChange(
                    run_id=run_id,
                    article_id=c.article_id,
                    old_story_id=c.old_story_id,
                    new_story_id=c.new_story_id,
                )
                for c in changes
            ],
            ClaimGroup: [
                ClaimGroup(claim_id=cid, claim_group_id=gid, run_id=run_id)
                for cid, gid in sorted(groups.items())
            ],
        },
        {"run_id": run_id},
    )
    return batch_id
