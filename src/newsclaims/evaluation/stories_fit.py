"""Fitting the story view weights (``newsclaims eval stories --fit-weights``): a logistic regression
"same gold cluster" over the TF-IDF cosines of every pair of articles, per view
(:func:`pair_cosines`), rescaled to the weights and threshold of
:class:`newsclaims.link.stories.StoryParams` (:func:`fit_weights`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from newsclaims.evaluation.labelled_docs import LabelledDoc
    from newsclaims.evaluation.stories_eval import Features


def pair_cosines(articles: Sequence, lead_words: int = 20):
    """Per view (:data:`newsclaims.link.stories.VIEWS`), the matrix of TF-IDF cosines between the
    articles (IDF over them, as :func:`~newsclaims.link.stories.assign_stories` computes it)."""
    import numpy as np

    from newsclaims.link.stories import VIEWS, _tfidf, idf_of

    n = len(articles)
    out = {}
    for view in VIEWS:
        counts = [a.views(lead_words)[view] for a in articles]
        idf = idf_of(c.keys() for c in counts)
        column = {t: i for i, t in enumerate(sorted(idf))}
        m = np.zeros((n, max(1, len(column))))
        for i, c in enumerate(counts):
            for t, x in _tfidf(c, idf).items():
                m[i, column[t]] = x
        out[view] = m @ m.T
    return out


def fit_weights(
    docs: Sequence[LabelledDoc], feats: Features, *, l2: float = 1.0, iterations: int = 50
) -> dict:
    """A logistic regression "same gold cluster" on the view cosines of every pair of the documents'
    articles (L2 penalty ``l2`` on the weights, Newton steps), rescaled to the form of
    :class:`newsclaims.link.stories.StoryParams`: weights summing to 1, and the threshold where the
    regression says one half."""
    import numpy as np

    from newsclaims.link.stories import VIEWS

    gold_of: dict[str, str] = {}
    for d in docs:
        aid = feats.article_of.get(d.doc_id)
        if aid is not None:
            gold_of.setdefault(aid, d.gold)
    aids = sorted(gold_of)
    cos = pair_cosines([feats.articles[a] for a in aids])
    iu = np.triu_indices(len(aids), 1)
    x = np.stack([cos[v][iu] for v in VIEWS], 1)
    gold = np.array([gold_of[a] for a in aids])
    y = (gold[:, None] == gold[None, :])[iu].astype(float)
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    penalty = np.full(xb.shape[1], 1.0 / l2)
    penalty[-1] = 0.0  # the intercept is not penalised
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    coef, intercept = w[:-1], w[-1]
    total = float(coef.sum())
    return {
        "weights": {v: round(float(c) / total, 3) for v, c in zip(VIEWS, coef)},
        "threshold": round(-float(intercept) / total, 3),
        "coefficients": {v: round(float(c), 3) for v, c in zip(VIEWS, coef)},
        "intercept": round(float(intercept), 3),
        "n_articles": len(aids),
        "n_pairs": int(len(y)),
        "n_same": int(y.sum()),
    }
