-- Stories are revised: each run re-clusters a revision window (see linking.revise_stories), and an
-- article may move to another story. article_stories holds the current assignment (the load replaces
-- a moved article's row); every move is recorded here.

CREATE TABLE story_changes (
    run_id        VARCHAR NOT NULL,        -- the run that moved the article
    article_id    VARCHAR NOT NULL,
    old_story_id  VARCHAR NOT NULL,
    new_story_id  VARCHAR NOT NULL,
    PRIMARY KEY (run_id, article_id)
);
