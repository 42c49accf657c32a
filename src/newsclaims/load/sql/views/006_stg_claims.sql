-- stg_claims: the claims table with, defined once, its speaker (resolved entity or the words of the
-- text), its story and its claim group:
--   speaker        the entity's canonical name, else the source words of the text (NULL when neither)
--   speaker_label  the same with '(unknown)' for a claim that has no source words either (reports)
--   speaker_entity_label  the entity's name, or '(unresolved)' when the speaker is no entity: the
--                  label of the views that count by entity (speakers, claim_corroboration)
--   claim_group    the claim group, or 'g_' || claim_id for a claim in no group (the id it would get
--                  as a one-claim group); grouped says which
--   spans          content_spans, or the whole content span for claims stored before they existed
CREATE OR REPLACE VIEW stg_claims AS
WITH claims_source AS (
    SELECT * FROM claims
),
speakers AS (
    SELECT entity_id, name, type FROM entities
),
final AS (
    SELECT
        c.*,
        e.name AS speaker_name,
        e.type AS speaker_type,
        e.entity_id IS NOT NULL AS speaker_resolved,
        coalesce(e.name, c.speaker_text) AS speaker,
        coalesce(e.name, c.speaker_text, '(unknown)') AS speaker_label,
        coalesce(e.name, '(unresolved)') AS speaker_entity_label,
        s.story_id,
        g.claim_group_id,
        coalesce(g.claim_group_id, 'g_' || c.claim_id) AS claim_group,
        g.claim_group_id IS NOT NULL AS grouped,
        coalesce(c.content_spans, [[c.content_start, c.content_end]]) AS spans
    FROM claims_source c
    LEFT JOIN speakers e ON e.entity_id = c.speaker_entity_id
    LEFT JOIN article_stories s ON s.article_id = c.article_id
    LEFT JOIN claim_groups g ON g.claim_id = c.claim_id
)
SELECT * FROM final;
