-- Stories (articles about one event across outlets) and claim groups (one utterance, many wordings).
-- Both are assigned incrementally by the load step: an article joins a story once and keeps it.

CREATE TABLE article_stories (
    article_id  VARCHAR PRIMARY KEY,
    story_id    VARCHAR NOT NULL,
    similarity  DOUBLE,                    -- to the story it joined (NULL for the article that started it)
    run_id      VARCHAR NOT NULL
);

CREATE TABLE stories (
    story_id    VARCHAR PRIMARY KEY,       -- 's_' + the first article's id
    title       VARCHAR,                   -- a representative headline
    first_seen  DATE,
    last_seen   DATE,
    n_articles  BIGINT NOT NULL,
    n_outlets   BIGINT NOT NULL
);

CREATE TABLE claim_groups (
    claim_id        VARCHAR PRIMARY KEY,
    claim_group_id  VARCHAR NOT NULL,      -- 'g_' + the smallest claim id of the group
    run_id          VARCHAR NOT NULL
);
