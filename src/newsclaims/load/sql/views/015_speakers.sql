-- speakers: "who is quoted most". One row per resolved speaker entity, plus one row (speaker
-- '(unresolved)', speaker_entity_id NULL, resolved false) counting every claim whose speaker was not
-- resolved to an entity, whatever its text ("I", "it", a description, no source at all).
--   SELECT speaker, speaker_type, n_claims FROM speakers ORDER BY n_claims DESC LIMIT 20
CREATE OR REPLACE VIEW speakers AS
WITH claim_rows AS (
    SELECT
        c.claim_id, c.article_id, c.kind, c.claim_group, c.story_id,
        CASE WHEN c.speaker_resolved THEN c.speaker_entity_id END AS entity_id,
        c.speaker_entity_label, c.speaker_type,
        a.outlet, a.published_date
    FROM stg_claims c
    JOIN stg_articles a USING (article_id)
),
final AS (
    SELECT
        min(speaker_entity_label) AS speaker,
        entity_id AS speaker_entity_id,
        min(speaker_type) AS speaker_type,
        entity_id IS NOT NULL AS resolved,
        count(*) AS n_claims,
        count(*) FILTER (WHERE kind = 'direct') AS n_direct,
        count(*) FILTER (WHERE kind = 'indirect') AS n_indirect,
        count(*) FILTER (WHERE kind = 'mixed') AS n_mixed,
        count(DISTINCT claim_group) AS n_claim_groups,
        count(DISTINCT article_id) AS n_articles,
        count(DISTINCT story_id) AS n_stories,
        count(DISTINCT outlet) AS n_outlets,
        min(published_date) AS first_quoted,
        max(published_date) AS last_quoted
    FROM claim_rows
    GROUP BY entity_id
)
SELECT * FROM final;
