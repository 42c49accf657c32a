-- entity_mentions: mentions per entity, outlet and day, for trend queries.
CREATE OR REPLACE VIEW entity_mentions AS
WITH mention_rows AS (
    SELECT m.entity_id, a.outlet, a.published_date AS day
    FROM mentions m
    JOIN articles a USING (article_id)
    WHERE m.entity_id IS NOT NULL
)
SELECT e.name AS entity, e.entity_id, e.type, r.outlet, r.day, count(*) AS mentions
FROM mention_rows r
JOIN entities e USING (entity_id)
GROUP BY ALL;
