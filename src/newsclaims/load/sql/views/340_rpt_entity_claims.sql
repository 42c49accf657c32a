-- rpt_entity_claims: claims by an entity (it is the resolved speaker) and about it (one of its mentions
-- lies inside the claim's content spans), one row per entity, claim and role.
CREATE OR REPLACE VIEW rpt_entity_claims AS
WITH claim_rows AS (
    SELECT c.claim_id, c.article_id, a.outlet_label AS outlet,
           a.published_date, a.title AS article_title, c.kind, c.speaker_entity_id,
           c.speaker_label AS speaker, c.cue, c.content, c.spans AS content_spans
    FROM stg_claims c
    JOIN stg_articles a USING (article_id)
),
spans AS (
    SELECT claim_id, article_id, unnest(content_spans) AS sp FROM claim_rows
),
about AS (
    SELECT DISTINCT m.entity_id, s.claim_id
    FROM spans s
    JOIN mentions m ON m.article_id = s.article_id AND m.start_char >= s.sp[1] AND m.end_char <= s.sp[2]
    WHERE m.entity_id IS NOT NULL
)
SELECT speaker_entity_id AS entity_id, 'by' AS role, r.*
FROM claim_rows r
WHERE speaker_entity_id IS NOT NULL
UNION ALL
SELECT ab.entity_id, 'about' AS role, r.*
FROM about ab
JOIN claim_rows r USING (claim_id)
WHERE r.speaker_entity_id IS DISTINCT FROM ab.entity_id;
