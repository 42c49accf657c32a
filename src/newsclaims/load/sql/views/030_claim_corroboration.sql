-- claim_corroboration: one row per claim group: who said it, when first reported, by how many outlets,
-- and every wording.
CREATE OR REPLACE VIEW claim_corroboration AS
WITH grouped AS (
    SELECT c.claim_group_id, c.claim_id, c.speaker_entity_id, c.speaker_name, c.speaker_entity_label,
           c.content, c.kind, c.story_id, a.outlet, a.published_date
    FROM stg_claims c
    JOIN stg_articles a USING (article_id)
    WHERE c.grouped
),
final AS (
    SELECT
        claim_group_id,
        min(story_id) AS story_id,
        min(speaker_entity_id) AS speaker_entity_id,
        coalesce(min(speaker_name), min(speaker_entity_label)) AS speaker,
        min(published_date) AS first_reported,
        count(DISTINCT outlet) AS n_outlets,
        count(*) AS n_claims,
        list(DISTINCT outlet ORDER BY outlet) AS outlets,
        list(struct_pack(outlet := outlet, kind := kind, content := content) ORDER BY outlet, claim_id) AS wordings
    FROM grouped
    GROUP BY claim_group_id
)
SELECT * FROM final;
