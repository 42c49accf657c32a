-- who_said_what: one row per claim, with the speaker's canonical name where resolved, the story the
-- article belongs to and the claim group (the same claim in other wordings) the claim is in.
-- speaker falls back to the words of the text when no entity was resolved (speaker_resolved false):
-- count speakers with the `speakers` view, which keeps unresolved claims on one row of their own.
CREATE OR REPLACE VIEW who_said_what AS
WITH claim_rows AS (
    SELECT * FROM stg_claims
),
articles_of AS (
    SELECT article_id, outlet, published_date, title AS article_title FROM stg_articles
),
final AS (
    SELECT
        c.speaker,
        a.outlet,
        a.published_date,
        c.kind,
        c.cue,
        c.content,
        c.speaker_text,
        c.speaker_entity_id,
        c.speaker_type,
        c.confidence,
        a.article_title,
        c.article_id,
        c.claim_id,
        c.story_id,
        c.claim_group_id,
        c.speaker_resolved
    FROM claim_rows c
    JOIN articles_of a USING (article_id)
)
SELECT * FROM final;
