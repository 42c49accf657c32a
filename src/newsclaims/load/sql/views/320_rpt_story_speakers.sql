-- rpt_story_speakers: who was quoted how often in each story, per outlet, with the speaker's story total.
-- Unresolved speakers are keyed by their surface text.
CREATE OR REPLACE VIEW rpt_story_speakers AS
WITH per_outlet AS (
    SELECT
        story_id,
        coalesce(speaker_entity_id, 'text:' || lower(speaker)) AS speaker_key,
        min(speaker) AS speaker,
        min(speaker_entity_id) AS speaker_entity_id,
        bool_or(speaker_resolved) AS speaker_resolved,
        outlet,
        count(*) AS n_claims,
        count(*) FILTER (WHERE kind = 'direct') AS n_direct,
        count(*) FILTER (WHERE kind = 'indirect') AS n_indirect,
        count(*) FILTER (WHERE kind = 'mixed') AS n_mixed
    FROM rpt_story_claims
    GROUP BY story_id, speaker_key, outlet
),
totals AS (
    SELECT *, sum(n_claims) OVER (PARTITION BY story_id, speaker_key) AS total_claims
    FROM per_outlet
)
SELECT *, dense_rank() OVER (PARTITION BY story_id ORDER BY total_claims DESC) AS rank_in_story
FROM totals;
