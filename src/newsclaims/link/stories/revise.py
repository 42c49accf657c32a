"""Stable story ids across re-clustering: :func:`revise_stories` names the clusters after the
stories they hold and reports the moves; :func:`revision_window` chooses the articles."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Optional

from newsclaims.link.stories.cluster import ClusterParams, _cluster, pair_scores
from newsclaims.link.stories.features import MAX_WINDOW, REVISION_DAYS, StoryArticle


@dataclass(frozen=True)
class StoryChange:
    """An article that an earlier run had put in ``old_story_id`` and this run puts in ``new_story_id``."""

    article_id: str
    old_story_id: str
    new_story_id: str


def _age(a: StoryArticle) -> tuple:
    return (a.published_date or a.ingested or dt.date.max, a.ingested or dt.date.max, a.article_id)


def revise_stories(
    window: list[StoryArticle],
    new: list[StoryArticle],
    cp: Optional[ClusterParams] = None,
    *,
    taken: Iterable[str] = (),
) -> tuple[dict[str, tuple[str, Optional[float]]], list[StoryChange]]:
    """Re-cluster the revision window (``window``: earlier articles with their ``story_id``) together
    with the ``new`` articles (:func:`cluster_stories`) and name the stories so that ids stay stable.

    * Every old story goes to the cluster that holds most of its window articles (ties: the cluster
      whose first article id is smallest); a cluster that receives old stories takes the id of the
      oldest of them (earliest first article, by publication date, else ingestion, then id): a story
      whose membership does not change keeps its id, a merge keeps the older id.
    * A cluster that receives no old story (a new event, or the part split off a story) gets
      ``"s_" + the id of its first article``, the first such id that is not an old story id of the
      window nor in ``taken`` (ids in use elsewhere).

    Returns article_id -> (story_id, mean pair score with the other members or None when alone) for
    the new articles and for the window articles whose story changed, and those changes; sets
    ``story_id`` on every article. Deterministic: the same articles give the same ids."""
    cp = cp or ClusterParams()
    old = {a.article_id: a.story_id for a in window if a.story_id}
    arts = sorted([a for a in window if a.story_id] + list(new), key=lambda a: a.article_id)
    index_groups, pair = _cluster(arts, cp)
    position = {a.article_id: i for i, a in enumerate(arts)}
    clusters = sorted(([arts[i] for i in sorted(g)] for g in index_groups), key=lambda g: g[0].article_id)
    members: dict[str, list[StoryArticle]] = {}
    for a in window:
        if a.story_id:
            members.setdefault(a.story_id, []).append(a)
    cluster_of = {a.article_id: k for k, g in enumerate(clusters) for a in g}
    heir: dict[str, int] = {}
    for sid in sorted(members):
        # the cluster holding most of the story's articles, ties: the first cluster
        held = Counter(cluster_of[x] for x in {a.article_id for a in members[sid]})
        heir[sid] = -max((c, -k) for k, c in held.items())[1]
    oldest = {sid: min(_age(a) for a in m) for sid, m in members.items()}
    used = set(members) | set(taken)
    names: list[Optional[str]] = [None] * len(clusters)
    for sid, k in heir.items():
        if (
            names[k] is None
            or oldest[sid] < oldest[names[k]]
            or (oldest[sid] == oldest[names[k]] and sid < names[k])
        ):
            names[k] = sid
    for k, g in enumerate(clusters):
        if names[k] is None:
            for a in g:
                candidate = "s_" + a.article_id.removeprefix("a_")
                if candidate not in used:
                    break
            else:
                candidate = "s_" + g[0].article_id.removeprefix("a_") + "_" + str(len(used))
            names[k] = candidate
            used.add(candidate)
    out: dict[str, tuple[str, Optional[float]]] = {}
    changes: list[StoryChange] = []
    new_ids = {a.article_id for a in new}
    for k, g in enumerate(clusters):
        score = None
        for a in g:
            a.story_id = names[k]
            before = old.get(a.article_id)
            if a.article_id in new_ids or before != names[k]:
                if score is None:
                    score = _member_scores(g, cp, pair, position)
                out[a.article_id] = (names[k], score[a.article_id])
                if before is not None and before != names[k]:
                    changes.append(StoryChange(a.article_id, before, names[k]))
    return out, sorted(changes, key=lambda c: c.article_id)


def _member_scores(
    g: list[StoryArticle], cp: ClusterParams, pair, position: dict[str, int]
) -> dict[str, Optional[float]]:
    """article_id -> mean pair score (:func:`pair_scores` over the clustered articles) with the other
    members of its cluster (None when alone)."""
    import numpy as np

    if len(g) == 1:
        return {g[0].article_id: None}
    if pair is None:
        m = pair_scores(g, cp.story, window_days=cp.window_days)
    else:
        idx = np.array([position[a.article_id] for a in g])
        m = pair[np.ix_(idx, idx)]
    n = len(g)
    return {a.article_id: round(float((m[i].sum() - m[i, i]) / (n - 1)), 4) for i, a in enumerate(g)}


def revision_window(
    earlier: Iterable[StoryArticle],
    new: list[StoryArticle],
    now: dt.date,
    *,
    days: int = REVISION_DAYS,
    max_articles: int = MAX_WINDOW,
) -> list[StoryArticle]:
    """The earlier articles a run re-clusters: every article of the stories that have an article
    ingested on or after ``now - days`` or published on or after that day or within ``days`` of a
    new article's publication date (an undated article counts by its ingestion day only); whole
    stories, the most recently ingested first, up to ``max_articles``. (``link.window.revision_window_of``
    is the same selection in SQL.)"""
    since = now - dt.timedelta(days=days)
    dates = [a.published_date for a in new if a.published_date]
    lo = min(dates) - dt.timedelta(days=days) if dates else None
    hi = max(dates) + dt.timedelta(days=days) if dates else None
    stories: dict[str, list[StoryArticle]] = {}
    for a in earlier:
        if a.story_id:
            stories.setdefault(a.story_id, []).append(a)

    def recent(a: StoryArticle) -> bool:
        d = a.published_date
        return (
            (a.ingested is not None and a.ingested >= since)
            or (d is not None and d >= since)
            or (d is not None and lo is not None and lo <= d <= hi)
        )

    chosen = [
        (max((a.ingested or dt.date.min) for a in m), sid)
        for sid, m in stories.items()
        if any(map(recent, m))
    ]
    out: list[StoryArticle] = []
    for _, sid in sorted(chosen, key=lambda x: (-x[0].toordinal(), x[1])):
        if len(out) + len(stories[sid]) > max_articles:
            break
        out.extend(stories[sid])
    return out
