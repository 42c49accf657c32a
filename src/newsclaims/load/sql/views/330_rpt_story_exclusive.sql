-- rpt_story_exclusive: what each outlet carried that the other outlets of its story did not: claims
-- whose group no other outlet in the story carried (only for stories covered by two or more outlets),
-- and named entities only that outlet mentioned.
CREATE OR REPLACE VIEW rpt_story_exclusive AS
WITH entity_outlets AS (
    SELECT s.story_id, a.outlet_label AS outlet, m.entity_id,
           count(*) AS n_mentions
    FROM mentions m
    JOIN article_stories s USING (article_id)
    JOIN stg_articles a USING (article_id)
    WHERE m.entity_id IS NOT NULL
    GROUP BY ALL
),
story_outlets AS (
    SELECT story_id, count(DISTINCT outlet) AS story_n_outlets FROM entity_outlets GROUP BY story_id
),
entity_spread AS (
    SELECT *, count(*) OVER (PARTITION BY story_id, entity_id) AS n_outlets_mentioning
    FROM entity_outlets
)
SELECT story_id, outlet, 'claim' AS item_kind, claim_id AS item_id, speaker AS label, content AS detail
FROM rpt_story_claims
WHERE group_n_outlets = 1 AND story_n_outlets > 1
UNION ALL
SELECT es.story_id, es.outlet, 'entity' AS item_kind, es.entity_id AS item_id, e.name AS label,
       e.type || ', ' || es.n_mentions || ' mention(s)' AS detail
FROM entity_spread es
JOIN story_outlets so USING (story_id)
JOIN entities e USING (entity_id)
WHERE es.n_outlets_mentioning = 1 AND so.story_n_outlets > 1;
