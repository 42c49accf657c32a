-- The earlier articles a run re-clusters (link.window.revision_window_of; the same selection as
-- link.stories.revision_window): whole stories with an article ingested or published recently, or
-- published near a new article, the most recently ingested first, up to a number of articles.
-- Parameters: since (ingested), since (published), lo, lo, hi (new articles' dates +- days), max articles.
WITH recent AS (
    SELECT s.story_id, max(a.ingested_at)::DATE AS last_ingested
    FROM articles a JOIN article_stories s USING (article_id)
    WHERE a.ingested_at::DATE >= ? OR a.published_date >= ?
       OR (? IS NOT NULL AND a.published_date BETWEEN ? AND ?)
    GROUP BY s.story_id
),
sized AS (
    SELECT r.story_id, sum(count(*)) OVER (ORDER BY any_value(r.last_ingested) DESC, r.story_id)
           AS running
    FROM recent r JOIN article_stories s USING (story_id) GROUP BY r.story_id
)
SELECT a.article_id, a.published_date, a.title, a.body, a.outlet, s.story_id,
       list(DISTINCT m.entity_id) FILTER (WHERE m.entity_id IS NOT NULL), any_value(a.ingested_at)
FROM sized z JOIN article_stories s USING (story_id) JOIN articles a USING (article_id)
LEFT JOIN mentions m USING (article_id)
WHERE z.running <= ?
GROUP BY ALL ORDER BY a.article_id
