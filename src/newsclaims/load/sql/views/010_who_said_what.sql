-- who_said_what: one row per claim, with the speaker's canonical name where resolved, the story the
-- article belongs to and the claim group (the same claim in other wordings) the claim is in.
-- speaker falls back to the words of the text when no entity was resolved (speaker_resolved false):
-- count speakers with the `speakers` view, which keeps unresolved claims on one row of their own.
CREATE OR REPLACE VIEW who_said_what AS
WITH claim_rows AS (
    SELECT claim_id, article_id, kind, speaker_entity_id, speaker_text, cue, content, confidence
    FROM claims
),
with_articles AS (
    SELECT c.*, a.outlet, a.published_date, a.title AS article_title
    FROM claim_rows c
    JOIN articles a USING (article_id)
)
SELECT
    coalesce(e.name, w.speaker_text) AS speaker,
    w.outlet,
    w.published_date,
    w.kind,
    w.cue,
    w.content,
    w.speaker_text,
    w.speaker_entity_id,
    e.type AS speaker_type,
    w.confidence,
    w.article_title,
    w.article_id,
    w.claim_id,
    s.story_id,
    g.claim_group_id,
    e.entity_id IS NOT NULL AS speaker_resolved
FROM with_articles w
LEFT JOIN entities e ON e.entity_id = w.speaker_entity_id
LEFT JOIN article_stories s ON s.article_id = w.article_id
LEFT JOIN claim_groups g ON g.claim_id = w.claim_id;
