-- story_coverage: per story and outlet, the claim groups that outlet carried, and which of them no
-- other outlet in the story carried.
CREATE OR REPLACE VIEW story_coverage AS
WITH claim_rows AS (
    SELECT s.story_id, a.outlet, g.claim_group_id, c.claim_id, c.content
    FROM claims c
    JOIN claim_groups g USING (claim_id)
    JOIN articles a USING (article_id)
    JOIN article_stories s USING (article_id)
),
group_outlets AS (
    SELECT story_id, claim_group_id, count(DISTINCT outlet) AS n_outlets
    FROM claim_rows GROUP BY story_id, claim_group_id
)
SELECT
    r.story_id,
    r.outlet,
    r.claim_group_id,
    min(r.content) AS content,
    go.n_outlets,
    go.n_outlets = 1 AS only_this_outlet
FROM claim_rows r
JOIN group_outlets go USING (story_id, claim_group_id)
GROUP BY r.story_id, r.outlet, r.claim_group_id, go.n_outlets;
