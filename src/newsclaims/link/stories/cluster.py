"""Re-clustering a revision window: pair scores over the views and agglomerative clustering with
reassignment passes (:func:`cluster_stories`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Optional

from newsclaims.link.stories.assign import assign_stories
from newsclaims.link.stories.features import (
    REVISION_DAYS,
    WINDOW_DAYS,
    StoryArticle,
    StoryParams,
    _tfidf,
    idf_of,
)

if TYPE_CHECKING:
    import numpy as np

#: the methods of :func:`cluster_stories` (see :class:`ClusterParams`)
METHODS = ("average+refine", "refine", "average", "complete", "single", "weighted", "centroid")


@dataclass(frozen=True)
class ClusterParams:
    """How :func:`cluster_stories` groups the articles of a revision window (measurements in
    :mod:`newsclaims.evaluation.stories_eval`)."""

    #: view weights and the text floor come from :class:`StoryParams` (``story``)
    story: StoryParams = StoryParams()
    #: agglomerative linkage over the pair scores: clusters merge while their linkage score reaches
    #: ``threshold``
    method: str = "average+refine"
    threshold: float = 0.20
    #: articles whose publication dates are further apart never share a story (undated: no limit)
    window_days: int = WINDOW_DAYS
    #: the revision window: stories with an article published or ingested in the last this-many days
    revision_days: int = REVISION_DAYS
    #: reassignment passes of the ``"refine"`` method
    passes: int = 5
    #: the average-linkage threshold of the first clustering of ``"average+refine"``
    seed_threshold: float = 0.21


def view_grams(articles: list[StoryArticle], p: StoryParams) -> dict[str, "np.ndarray"]:
    """Per weighted view, the n x n matrix of dot products between the articles' unit TF-IDF
    vectors (IDF over ``articles``): the cosines."""
    import numpy as np
    from scipy import sparse

    n = len(articles)
    out = {}
    for view, w in p.weights().items():
        if not w:
            continue
        counts = [a.views(p.lead_words)[view] for a in articles]
        idf = idf_of(c.keys() for c in counts)
        column = {t: i for i, t in enumerate(idf)}
        rows, cols, vals = [], [], []
        for i, c in enumerate(counts):
            for t, x in _tfidf(c, idf).items():
                rows.append(i)
                cols.append(column[t])
                vals.append(x)
        m = sparse.csr_matrix((vals, (rows, cols)), shape=(n, max(1, len(column))))
        out[view] = np.asarray((m @ m.T).todense(), dtype=np.float64)
    return out


def _combine(cos: dict, p: StoryParams):
    """The weighted sum of the per-view cosine matrices, 0 where the word views fall below their
    floor (``min_text`` of the threshold)."""
    import numpy as np

    weights = {v: w for v, w in p.weights().items() if w}
    text_views = [v for v in ("body", "lead") if v in weights]
    text = sum(weights[v] * cos[v] for v in text_views) if text_views else 0.0
    other = sum(weights[v] * cos[v] for v in weights if v not in text_views)
    if not text_views:
        return np.asarray(other)
    floor = p.min_text * p.threshold * sum(weights[v] for v in text_views)
    return np.where(text >= floor, text + other, 0.0)


def _near(articles: list[StoryArticle], days: int):
    """n x n: True where two articles may share a story (dated at most ``days`` apart, or undated)."""
    import numpy as np

    dated = np.array([a.published_date is not None for a in articles])
    ordinal = np.array([a.published_date.toordinal() if a.published_date else 0 for a in articles])
    far = (np.abs(ordinal[:, None] - ordinal[None, :]) > days) & dated[:, None] & dated[None, :]
    return ~far


def pair_scores(articles: list[StoryArticle], p: StoryParams, *, window_days: Optional[int] = None):
    """The n x n matrix of article pair scores (numpy): the weighted sum over the views of the TF-IDF
    cosines (IDF over ``articles``), 0 where the word views fall below their floor (``min_text``) or
    where both articles are dated more than ``window_days`` apart."""
    return _scores(
        view_grams(articles, p), articles, p, p.window_days if window_days is None else window_days
    )


def _scores(grams: dict, articles: list[StoryArticle], p: StoryParams, window_days: int):
    import numpy as np

    score = np.where(_near(articles, window_days), _combine(grams, p), 0.0)
    np.fill_diagonal(score, 1.0)
    return np.clip(score, 0.0, 1.0)


def _centroid_clusters(arts: list[StoryArticle], cp: "ClusterParams") -> list[list[int]]:
    """Agglomerative clustering in vector space: the two clusters whose centroids are most similar
    (the weighted sum over views of the cosine between the clusters' summed unit vectors, as
    :func:`assign_stories` compares an article with a story) merge, while that similarity reaches
    the threshold and some dated pair of them is within the window (or one is undated). Sums are
    linear, so the cosines follow from the article Gram matrices, updated in O(n) per merge."""
    import numpy as np

    p = replace(cp.story, threshold=cp.threshold)
    grams = view_grams(arts, p)
    n = len(arts)
    near = _near(arts, cp.window_days)
    np.fill_diagonal(near, False)
    active = np.ones(n, dtype=bool)

    def sims(i: int):
        cos = {}
        for v, g in grams.items():
            d = np.sqrt(np.maximum(g.diagonal() * g[i, i], 1e-300))
            cos[v] = g[i] / d
        s = _combine(cos, p)
        s = np.where(near[i] & active, s, -1.0)
        s[i] = -1.0
        return s

    sim = np.vstack([sims(i) for i in range(n)]) if n else np.zeros((0, 0))
    members = [[i] for i in range(n)]
    best = sim.argmax(axis=1) if n else np.zeros(0, dtype=int)
    while True:
        vals = np.where(active, sim[np.arange(n), best], -1.0)
        a = int(vals.argmax())
        if vals[a] < cp.threshold:
            break
        b = int(best[a])
        a, b = min(a, b), max(a, b)
        for g in grams.values():
            g[a] += g[b]
            g[:, a] += g[:, b]
        near[a] |= near[b]
        near[:, a] |= near[:, b]
        near[a, a] = False
        active[b] = False
        members[a] += members[b]
        members[b] = []
        sim[b] = -1.0
        sim[:, b] = -1.0
        row = sims(a)
        sim[a] = row
        sim[:, a] = row
        best[a] = int(row.argmax())
        stale = active & ((best == a) | (best == b))
        for i in np.flatnonzero(stale):
            best[i] = int(sim[i].argmax())
        better = active & (row > sim[np.arange(n), best])
        best[better] = a
    return [m for m in members if m]


def _reassign(
    arts: list[StoryArticle],
    labels: list[int],
    cp: "ClusterParams",
    passes: int,
    grams: Optional[dict] = None,
) -> list[int]:
    """Passes over the articles (in the order given) moving each to the story whose centroid it
    is most similar to -- the similarity :func:`assign_stories` uses, the article itself left out of
    its own story -- or to a story of its own when no story reaches the threshold; until no article
    moves or after ``passes`` passes. Article-to-story dot products and story norms follow from the
    article Gram matrices and are updated in O(n) per move."""
    import numpy as np
    from scipy import sparse

    p = replace(cp.story, threshold=cp.threshold)
    grams = grams if grams is not None else view_grams(arts, p)
    n = len(arts)
    k = n  # story slots: at most one per article
    lab = np.array(labels)
    # one-hot membership, sparse: the products below cost n^2, not n^3
    ind = sparse.csc_matrix((np.ones(n), (np.arange(n), lab)), shape=(n, k))
    dots = {v: np.asarray((ind.T @ g.T).T) for v, g in grams.items()}  # n x k: article . story sum
    norms = {v: np.asarray(ind.multiply(d).sum(axis=0)).ravel() for v, d in dots.items()}  # |story sum|^2
    near = _near(arts, cp.window_days).astype(float)
    near_count = np.asarray((ind.T @ near.T).T)  # n x k: members within window
    size = np.asarray(ind.sum(axis=0)).ravel()
    # per story: whether its norm counts, and the root of its norm (updated on a move)
    live = {v: nn > 1e-12 for v, nn in norms.items()}
    root = {v: np.sqrt(np.maximum(nn, 1e-300)) for v, nn in norms.items()}
    for _ in range(passes):
        moved = 0
        for i in range(n):
            own = lab[i]
            ok = (near_count[i] > 0) & (size > 0)
            ok[own] = near_count[i, own] - near[i, i] > 0 and size[own] - 1 > 0
            target, best = _closest_story(i, own, np.flatnonzero(ok), grams, dots, norms, live, root, p)
            if best < cp.threshold:
                if size[own] == 1:
                    continue
                target = int(np.flatnonzero(size == 0)[0])
            if target == own:
                continue
            for v, g in grams.items():
                col = g[:, i]
                norms[v][own] += -2 * dots[v][i, own] + g[i, i]
                dots[v][:, own] -= col
                norms[v][target] += 2 * dots[v][i, target] + g[i, i]
                dots[v][:, target] += col
                for k in (own, target):
                    live[v][k] = norms[v][k] > 1e-12
                    root[v][k] = np.sqrt(np.maximum(norms[v][k], 1e-300))
            near_count[:, own] -= near[:, i]
            near_count[:, target] += near[:, i]
            size[own] -= 1
            size[target] += 1
            lab[i] = target
            moved += 1
        if not moved:
            break
    return [int(x) for x in lab]


def _closest_story(
    i: int, own: int, idx, grams: dict, dots: dict, norms: dict, live: dict, root: dict, p: StoryParams
) -> tuple[int, float]:
    """(story, score) of the story among ``idx`` (ascending: the stories within the window, but for
    the article itself) whose centroid article ``i`` is most similar to, the article left out of its
    own story ``own`` (first story on ties; (-1, -1.0) when there is none). Only those stories are
    scored: the others could not be chosen."""
    import numpy as np

    if not idx.size:
        return -1, -1.0
    at = int(np.searchsorted(idx, own))
    cos = {}
    for v, g in grams.items():
        c = np.where(live[v][idx], dots[v][i, idx] / root[v][idx], 0.0)
        if at < idx.size and idx[at] == own:
            d = dots[v][i, own] - g[i, i]
            nn = norms[v][own] + (-2 * dots[v][i, own] + g[i, i])
            c[at] = d / np.sqrt(np.maximum(nn, 1e-300)) if nn > 1e-12 else 0.0
        cos[v] = c
    score = _combine(cos, p)
    k = int(score.argmax())
    return int(idx[k]), float(score[k])


def cluster_stories(
    articles: list[StoryArticle], cp: Optional[ClusterParams] = None
) -> list[list[StoryArticle]]:
    """The stories of ``articles`` (sorted by id first, so the result does not depend on the order
    they come in), by ``cp.method``:

    * ``"average+refine"`` (the default): average linkage at ``cp.seed_threshold``, then
      reassignment passes (:func:`_reassign`) at ``cp.threshold``, articles in date order;
    * ``"refine"``: one pass of :func:`assign_stories` in date order, then the same passes;
    * ``"average"``, ``"complete"``, ``"single"`` (connected components of the pairs scoring at
      least the threshold), ``"weighted"``: agglomerative clustering of :func:`pair_scores`, merging
      while the linkage score reaches ``cp.threshold``;
    * ``"centroid"``: :func:`_centroid_clusters`."""
    arts = sorted(articles, key=lambda a: a.article_id)
    groups, _ = _cluster(arts, cp or ClusterParams())
    return sorted(([arts[i] for i in sorted(g)] for g in groups), key=lambda g: g[0].article_id)


def _cluster(arts: list[StoryArticle], cp: ClusterParams):
    """(index groups, the pair score matrix or None) for articles sorted by id."""
    import numpy as np

    n = len(arts)
    if n < 2:
        return ([[0]] if n else []), None
    if cp.method == "centroid":
        return _centroid_clusters(arts, cp), None
    grams = view_grams(arts, cp.story)
    score = _scores(grams, arts, cp.story, cp.window_days)
    if cp.method not in ("refine", "average+refine"):
        return _linkage(score, cp.method, cp.threshold), score
    # a first clustering, then reassignment passes in date order
    order = sorted(range(n), key=lambda i: (arts[i].published_date or dt.date.max, arts[i].article_id))
    if cp.method == "refine":
        fresh = [replace(arts[i], story_id=None, cache=arts[i].cache) for i in order]
        assign_stories(
            fresh, [], params=replace(cp.story, threshold=cp.threshold, window_days=cp.window_days)
        )
        first = [a.story_id for a in fresh]
    else:
        of = {i: k for k, g in enumerate(_linkage(score, "average", cp.seed_threshold)) for i in g}
        first = [of[i] for i in order]
    slot = {x: k for k, x in enumerate(dict.fromkeys(first))}
    perm = np.array(order)
    labels = _reassign(
        [arts[i] for i in order],
        [slot[x] for x in first],
        cp,
        cp.passes,
        grams={v: g[np.ix_(perm, perm)] for v, g in grams.items()},
    )
    groups: dict[int, list[int]] = {}
    for i, lab in zip(order, labels):
        groups.setdefault(lab, []).append(i)
    return list(groups.values()), score


def _linkage(score, method: str, threshold: float) -> list[list[int]]:
    """Agglomerative clustering of a pair score matrix, merging while the ``method`` linkage score
    reaches ``threshold``; per connected component of the pairs scoring at least the threshold (a
    merge needs one such pair under every linkage), which bounds the matrices the linkage sees."""
    import numpy as np
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse.csgraph import connected_components

    _, comp = connected_components(score >= threshold, directed=False)
    out: list[list[int]] = []
    for c in range(comp.max() + 1):
        idx = np.flatnonzero(comp == c)
        if len(idx) == 1:
            out.append([int(idx[0])])
            continue
        sub = 1.0 - score[np.ix_(idx, idx)]
        labels = fcluster(
            linkage(sub[np.triu_indices(len(idx), 1)], method=method),
            t=1.0 - threshold + 1e-12,
            criterion="distance",
        )
        groups: dict[int, list[int]] = {}
        for i, lab in zip(idx, labels):
            groups.setdefault(int(lab), []).append(int(i))
        out.extend(groups.values())
    return out
