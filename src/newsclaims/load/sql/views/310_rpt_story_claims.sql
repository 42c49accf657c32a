-- rpt_story_claims: every claim of every story article with its claim group and how widely the group was
-- carried inside the story. A claim without a claim_groups row stands alone as group 'g_' || claim_id
-- (stg_claims.claim_group).
CREATE OR REPLACE VIEW rpt_story_claims AS
WITH claim_rows AS (
    SELECT
        c.story_id,
        c.claim_group AS claim_group_id,
        c.grouped,
        c.claim_id,
        c.article_id,
        a.outlet_label AS outlet,
        a.published_date,
        c.kind,
        c.speaker_entity_id,
        c.speaker_label AS speaker,
        c.speaker_resolved,
        c.speaker_text,
        c.cue,
        c.content,
        c.content_start,
        c.content_end,
        c.spans AS content_spans,
        c.confidence
    FROM stg_claims c
    JOIN stg_articles a USING (article_id)
    WHERE c.story_id IS NOT NULL
),
story_outlets AS (
    SELECT s.story_id, count(DISTINCT a.outlet_label) AS story_n_outlets
    FROM article_stories s JOIN stg_articles a USING (article_id)
    GROUP BY s.story_id
),
final AS (
    SELECT
        r.*,
        count(DISTINCT r.outlet) OVER (PARTITION BY r.story_id, r.claim_group_id) AS group_n_outlets,
        count(*) OVER (PARTITION BY r.story_id, r.claim_group_id) AS group_n_claims,
        so.story_n_outlets
    FROM claim_rows r
    JOIN story_outlets so USING (story_id)
)
SELECT * FROM final;
