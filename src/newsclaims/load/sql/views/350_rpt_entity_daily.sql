-- rpt_entity_daily: per entity, outlet and day: mentions, claims by the entity and claims about it
-- (the series behind the chart of `newsclaims report entity`). day is the article's published date.
CREATE OR REPLACE VIEW rpt_entity_daily AS
WITH m AS (
    SELECT m.entity_id, a.outlet_label AS outlet, a.published_date AS day,
           count(*) AS mentions
    FROM mentions m JOIN stg_articles a USING (article_id)
    WHERE m.entity_id IS NOT NULL
    GROUP BY ALL
),
c AS (
    SELECT entity_id, outlet, published_date AS day,
           count(*) FILTER (WHERE role = 'by') AS claims_by,
           count(*) FILTER (WHERE role = 'about') AS claims_about
    FROM rpt_entity_claims
    GROUP BY ALL
)
SELECT
    coalesce(m.entity_id, c.entity_id) AS entity_id,
    coalesce(m.outlet, c.outlet) AS outlet,
    coalesce(m.day, c.day) AS day,
    coalesce(m.mentions, 0) AS mentions,
    coalesce(c.claims_by, 0) AS claims_by,
    coalesce(c.claims_about, 0) AS claims_about
FROM m
FULL OUTER JOIN c ON c.entity_id = m.entity_id AND c.outlet = m.outlet AND c.day IS NOT DISTINCT FROM m.day;
