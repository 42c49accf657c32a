"""Incremental assignment: each new article joins the most similar story within its date window or
starts one (:func:`assign_stories`; single-pass, never revisiting history)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from typing import Optional

from newsclaims.link.stories.features import VIEWS, StoryArticle, StoryParams, _dot, _tfidf, _within, idf_of


class _Story:
    """A story's members in this call and, per view, the sum of their unit vectors."""

    __slots__ = ("story_id", "members", "sums", "norms2")

    def __init__(self, story_id: str) -> None:
        self.story_id = story_id
        self.members: list[StoryArticle] = []
        self.sums: dict[str, dict[str, float]] = {v: {} for v in VIEWS}
        self.norms2: dict[str, float] = {v: 0.0 for v in VIEWS}

    def add(self, art: StoryArticle, vecs: dict[str, dict[str, float]]) -> None:
        self.members.append(art)
        for view in VIEWS:
            sums, n2 = self.sums[view], self.norms2[view]
            for t, x in vecs[view].items():
                old = sums.get(t, 0.0)
                sums[t] = old + x
                n2 += 2 * old * x + x * x
            self.norms2[view] = n2


class _Assigner:
    """The state of one :func:`assign_stories` call: the IDF of the articles at hand, each article's
    vectors and index keys (computed once), the stories so far, and the inverted index from keys to
    stories that finds an article's candidates."""

    def __init__(self, p: StoryParams, docs: list[StoryArticle]) -> None:
        self.p = p
        self.weights = {v: w for v, w in p.weights().items() if w}
        # the entity ids' IDF also ranks an article's rarest entities for the candidates, weighted or not
        self.idf = {
            view: idf_of(a.views(p.lead_words)[view].keys() for a in docs)
            for view in {*self.weights, "entities"}
        }
        self.vec_cache: dict[str, dict[str, dict[str, float]]] = {}
        self.key_cache: dict[str, list[str]] = {}
        # candidates share one of an article's most distinctive terms or an entity: an inverted index
        # keeps this linear in practice instead of comparing every story
        self.index: dict[str, set[str]] = {}
        self.stories: dict[str, _Story] = {}
        self.text_views = [v for v in ("body", "lead") if v in self.weights]
        self.other_views = [v for v in self.weights if v not in self.text_views]
        self.text_floor = p.min_text * p.threshold * sum(self.weights[v] for v in self.text_views)

    def vecs(self, a: StoryArticle) -> dict[str, dict[str, float]]:
        got = self.vec_cache.get(a.article_id)
        if got is None:
            views = a.views(self.p.lead_words)
            got = self.vec_cache[a.article_id] = {
                v: (_tfidf(views[v], self.idf[v]) if v in self.weights else {}) for v in VIEWS
            }
        return got

    def keys(self, a: StoryArticle) -> list[str]:
        """The index keys of an article (computed once: used to find its candidates, then to file it)."""
        got = self.key_cache.get(a.article_id)
        if got is None:
            p, idf_entities = self.p, self.idf["entities"]
            top = sorted(self.vecs(a)["body"].items(), key=lambda kv: (-kv[1], kv[0]))[: p.candidate_terms]
            rare = sorted(a.entities, key=lambda e: (-idf_entities.get(e, 0.0), e))[: p.candidate_entities]
            got = self.key_cache[a.article_id] = [t for t, _ in top] + [f"@{e}" for e in rare]
        return got

    def join(self, a: StoryArticle) -> None:
        story = self.stories.get(a.story_id)
        if story is None:
            story = self.stories[a.story_id] = _Story(a.story_id)
        story.add(a, self.vecs(a))
        for k in self.keys(a):
            self.index.setdefault(k, set()).add(a.story_id)

    def combine(self, cosine) -> float:
        """The weighted sum of ``cosine(view)``; 0 when the word views fall short of their floor
        (checked first: most candidates stop there, so the other views are not computed)."""
        text = sum(self.weights[v] * cosine(v) for v in self.text_views)
        if self.text_views and text < self.text_floor:
            return 0.0
        return text + sum(self.weights[v] * cosine(v) for v in self.other_views)

    def similarity(self, a: StoryArticle, story: _Story, members: list[StoryArticle]) -> float:
        va, linkage = self.vecs(a), self.p.linkage
        centroid = None
        if linkage in ("centroid", "max+centroid"):
            centroid = self.combine(
                lambda v: (
                    _dot(va[v], story.sums[v]) / math.sqrt(story.norms2[v]) if story.norms2[v] > 0 else 0.0
                )
            )
            if linkage == "centroid":
                return centroid
        pairs = [self.combine(lambda v, vm=self.vecs(m): _dot(va[v], vm[v])) for m in members]
        if linkage == "mean":
            return sum(pairs) / len(pairs)
        return max(pairs) if centroid is None else (max(pairs) + centroid) / 2

    def best_story(self, art: StoryArticle) -> tuple[Optional[str], float]:
        """The candidate story most similar to ``art`` among those with a member within its window."""
        p = self.p
        best_id, best = None, -1.0
        for sid in sorted({sid for k in self.keys(art) for sid in self.index.get(k, ())}):
            story = self.stories[sid]
            # the members published within the window (all of them for an undated article)
            near = [
                m
                for m in story.members[-p.max_members :]
                if _within(art.published_date, m.published_date, p.window_days)
            ]
            if not near:
                continue
            s = self.similarity(art, story, near)
            if s > best:
                best_id, best = sid, s
        return best_id, best


def assign_stories(
    new: list[StoryArticle],
    existing: list[StoryArticle],
    *,
    window_days: Optional[int] = None,
    threshold: Optional[float] = None,
    params: Optional[StoryParams] = None,
) -> dict[str, tuple[str, Optional[float]]]:
    """article_id -> (story_id, similarity to the story it joined, or None when it started one).

    ``existing`` are earlier articles with their ``story_id`` (never changed); ``new`` are taken in
    date order (undated last, ties by id), each joining the most similar story that has a member
    within ``window_days`` of it, if the similarity reaches ``threshold``, else starting the story
    ``"s_" + article id``. The similarity is the weighted sum over the views (see
    :meth:`StoryArticle.views`) of the cosine between the article's TF-IDF vector and the story's
    centroid (``linkage="centroid"``, the default), its closest member within the window (``"max"``),
    the mean of the two (``"max+centroid"``) or the mean over members (``"mean"``); IDF over
    ``existing`` + ``new``."""
    p = params or StoryParams()
    if window_days is not None or threshold is not None:
        p = replace(
            p,
            window_days=p.window_days if window_days is None else window_days,
            threshold=p.threshold if threshold is None else threshold,
        )
    pool = [a for a in existing if a.story_id]
    order = sorted(new, key=lambda a: (a.published_date or dt.date.max, a.article_id))
    run = _Assigner(p, pool + order)
    for other in pool:
        run.join(other)
    out: dict[str, tuple[str, Optional[float]]] = {}
    for art in order:
        best_id, best = run.best_story(art)
        if best_id is not None and best >= p.threshold:
            art.story_id = best_id
            out[art.article_id] = (best_id, round(best, 4))
        else:
            art.story_id = "s_" + art.article_id.removeprefix("a_")
            out[art.article_id] = (art.story_id, None)
        run.join(art)
    return out
