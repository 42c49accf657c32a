-- The most recently ingested story (its newest article came in last), for `report story latest`.
SELECT story_id FROM (
    SELECT s.story_id, max(a.ingested_at) AS last_in, max(a.published_date) AS last_day,
           count(*) AS n
    FROM article_stories s JOIN articles a USING (article_id) GROUP BY s.story_id)
ORDER BY last_in DESC, last_day DESC NULLS LAST, n DESC, story_id LIMIT 1
