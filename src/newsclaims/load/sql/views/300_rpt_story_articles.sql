-- rpt_story_articles: the articles of each story (report `newsclaims report story`), one row per article.
-- outlet is stg_articles.outlet_label ('(feed NAME)' when no outlet was recognised).
CREATE OR REPLACE VIEW rpt_story_articles AS
WITH claim_counts AS (
    SELECT article_id, count(*) AS n_claims FROM claims GROUP BY article_id
),
final AS (
    SELECT
        s.story_id,
        st.title AS story_title,
        a.article_id,
        a.outlet_label AS outlet,
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
    JOIN stg_articles a USING (article_id)
    LEFT JOIN stories st USING (story_id)
    LEFT JOIN claim_counts cc USING (article_id)
)
SELECT * FROM final;
