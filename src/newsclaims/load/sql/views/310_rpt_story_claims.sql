-- rpt_story_claims: every claim of every story article with its claim group and how widely the group was
-- carried inside the story. A claim without a claim_groups row stands alone as group 'g_' || claim_id
-- (the id it would get as a one-claim group).
CREATE OR REPLACE VIEW rpt_story_claims AS
WITH claim_rows AS (
    SELECT
        s.story_id,
        coalesce(g.claim_group_id, 'g_' || c.claim_id) AS claim_group_id,
        g.claim_group_id IS NOT NULL AS grouped,
        c.claim_id,
        c.article_id,
        coalesce(a.outlet, '(feed ' || a.feed || ')') AS outlet,
        a.published_date,
        c.kind,
        c.speaker_entity_id,
        coalesce(e.name, c.speaker_text, '(unknown)') AS speaker,
        e.entity_id IS NOT NULL AS speaker_resolved,
        c.speaker_text,
        c.cue,
        c.content,
        c.content_start,
        c.content_end,
        coalesce(c.content_spans, [[c.content_start, c.content_end]]) AS content_spans,
        c.confidence
    FROM claims c
    JOIN article_stories s USING (article_id)
    JOIN articles a USING (article_id)
    LEFT JOIN claim_groups g USING (claim_id)
    LEFT JOIN entities e ON e.entity_id = c.speaker_entity_id
),
story_outlets AS (
    SELECT s.story_id, count(DISTINCT coalesce(a.outlet, '(feed ' || a.feed || ')')) AS story_n_outlets
    FROM article_stories s JOIN articles a USING (article_id)
    GROUP BY s.story_id
)
SELECT
    r.*,
    count(DISTINCT r.outlet) OVER (PARTITION BY r.story_id, r.claim_group_id) AS group_n_outlets,
    count(*) OVER (PARTITION BY r.story_id, r.claim_group_id) AS group_n_claims,
    so.story_n_outlets
FROM claim_rows r
JOIN story_outlets so USING (story_id);
