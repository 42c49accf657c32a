-- claim_corroboration: one row per claim group: who said it, when first reported, by how many outlets,
-- and every wording.
CREATE OR REPLACE VIEW claim_corroboration AS
WITH grouped AS (
    SELECT g.claim_group_id, c.claim_id, c.speaker_entity_id, c.content, c.kind,
           a.outlet, a.published_date, s.story_id
    FROM claim_groups g
    JOIN claims c USING (claim_id)
    JOIN articles a USING (article_id)
    LEFT JOIN article_stories s USING (article_id)
)
SELECT
    claim_group_id,
    min(story_id) AS story_id,
    min(speaker_entity_id) AS speaker_entity_id,
    coalesce(min(e.name), '(unresolved)') AS speaker,
    min(published_date) AS first_reported,
    count(DISTINCT outlet) AS n_outlets,
    count(*) AS n_claims,
    list(DISTINCT outlet ORDER BY outlet) AS outlets,
    list(struct_pack(outlet := outlet, kind := kind, content := content) ORDER BY outlet, claim_id) AS wordings
FROM grouped
LEFT JOIN entities e ON e.entity_id = grouped.speaker_entity_id
GROUP BY claim_group_id;
