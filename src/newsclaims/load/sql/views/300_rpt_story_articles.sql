-- rpt_story_articles: the articles of each story (report `newsclaims report story`), one row per article.
-- outlet falls back to '(feed NAME)' when no outlet was recognised.
CREATE OR REPLACE VIEW rpt_story_articles AS
WITH claim_counts AS (
    SELECT article_id, count(*) AS n_claims FROM claims GROUP BY article_id
)
SELECT
    s.story_id,
    st.title AS story_title,
    a.article_id,
    coalesce(a.outlet, '(feed ' || a.feed || ')') AS outlet,
    a.title,
    a.subtitle,
    a.published_date,
    a.dateline_place,
    a.language,
    a.word_count,
    s.similarity,
    coalesce(cc.n_claims, 0) AS n_claims,
    a.run_id
FROM article_stories s
JOIN articles a USING (article_id)
LEFT JOIN stories st USING (story_id)
LEFT JOIN claim_counts cc USING (article_id);
