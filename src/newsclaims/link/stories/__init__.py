"""Stories across outlets and claim groups across wordings, assigned incrementally.

The link stage (:func:`newsclaims.link.stage.link_batches`) calls this module after extraction and
before the load, over the run's new articles only; ``newsclaims eval stories``
(:mod:`newsclaims.evaluation.stories_eval`) scores the same :func:`assign_stories` on the features the
pipeline stored.

* **Stories.** Each new article (in date order, undated last, ties by id) joins the most similar
  story that has a member published within ``window_days`` of it (undated articles are compared
  with every story) -- among already loaded articles (read from the warehouse) and the run's
  earlier ones -- or starts a story ``"s_" + article id``. The similarity is a weighted sum over
  views of the article (:meth:`StoryArticle.views`: body, lead, headline, entity ids, person ids,
  place ids, numbers and calendar words, proper names) of the cosine between the article's TF-IDF
  vector and the story's centroid (IDF over the articles at hand). Assignments are never revisited,
  so history is not reclustered. Weights and threshold (:class:`StoryParams`) were chosen on ECB+
  train and dev; a view with weight 0 takes no part (no vectors are built for it).
* **Claim groups.** :func:`group_claims` applies :func:`newsclaims.link.claim_groups.group_claims`:
  claims by one resolved speaker in one story (or one article) share a group when a sentence or
  clause run of each shares enough content lemmas and the two agree on negation, numbers and
  predicate (other translations, partial quotes and paraphrases that keep the key words join;
  distinct statements on one subject do not). A group keeps its id as claims join it; a new group
  is named ``g_`` + its smallest claim id.

Everything is derived from the warehouse plus the run's lake batches, so a rerun after a crash
computes the same ids.

The package, in the order a run uses it:

| module | what it holds |
|---|---|
| :mod:`~newsclaims.link.stories.features` | an article's views, TF-IDF, :class:`StoryParams`, :class:`StoryArticle` |
| :mod:`~newsclaims.link.stories.assign` | :func:`assign_stories`: one pass, each new article joins or starts a story |
| :mod:`~newsclaims.link.stories.cluster` | :func:`cluster_stories`: pair scores and clustering of a revision window |
| :mod:`~newsclaims.link.stories.revise` | :func:`revise_stories`, :func:`revision_window`: stable ids, story moves |
| :mod:`~newsclaims.link.stories.claims` | :func:`group_claims`: claim groups within stories |
"""

from newsclaims.link.stories.assign import assign_stories
from newsclaims.link.stories.claims import GroupClaim, group_claims
from newsclaims.link.stories.cluster import (
    METHODS,
    ClusterParams,
    _reassign,
    cluster_stories,
    pair_scores,
    view_grams,
)
from newsclaims.link.stories.features import (
    CANDIDATE_ENTITIES,
    CANDIDATE_TERMS,
    MAX_WINDOW,
    REVISION_DAYS,
    STOP,
    STORY_THRESHOLD,
    VIEWS,
    WINDOW_DAYS,
    StoryArticle,
    StoryParams,
    _tfidf,
    content_stems,
    idf_of,
    proper_names,
    stem,
)
from newsclaims.link.stories.revise import StoryChange, revise_stories, revision_window

__all__ = [
    "CANDIDATE_ENTITIES",
    "CANDIDATE_TERMS",
    "METHODS",
    "MAX_WINDOW",
    "REVISION_DAYS",
    "STOP",
    "STORY_THRESHOLD",
    "VIEWS",
    "WINDOW_DAYS",
    "ClusterParams",
    "GroupClaim",
    "StoryArticle",
    "StoryChange",
    "StoryParams",
    "_reassign",
    "_tfidf",
    "assign_stories",
    "cluster_stories",
    "content_stems",
    "group_claims",
    "idf_of",
    "pair_scores",
    "proper_names",
    "revise_stories",
    "revision_window",
    "stem",
    "view_grams",
]
