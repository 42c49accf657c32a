-- rpt_entity_articles: the articles that mention an entity or carry its claims, with the surface forms used.
CREATE OR REPLACE VIEW rpt_entity_articles AS
WITH m AS (
    SELECT entity_id, article_id, count(*) AS mentions, list(DISTINCT text ORDER BY text) AS surface_forms
    FROM mentions WHERE entity_id IS NOT NULL GROUP BY ALL
),
c AS (
    SELECT speaker_entity_id AS entity_id, article_id, count(*) AS claims_by
    FROM claims WHERE speaker_entity_id IS NOT NULL GROUP BY ALL
)
SELECT
    coalesce(m.entity_id, c.entity_id) AS entity_id,
    a.article_id,
    a.outlet_label AS outlet,
    a.title,
    a.published_date,
    coalesce(m.mentions, 0) AS mentions,
    coalesce(c.claims_by, 0) AS claims_by,
    coalesce(m.surface_forms, []) AS surface_forms,
    st.story_id
FROM m
FULL OUTER JOIN c ON c.entity_id = m.entity_id AND c.article_id = m.article_id
JOIN stg_articles a ON a.article_id = coalesce(m.article_id, c.article_id)
LEFT JOIN article_stories st ON st.article_id = a.article_id;
