-- The claims of the evaluated articles with their spans, in a fixed order (`newsclaims eval attribution`).
SELECT c.article_id, c.kind, c.speaker_start, c.speaker_end, c.cue_start, c.cue_end,
c.content_start, c.content_end, c.content_spans, e.name, e.aliases
FROM claims c LEFT JOIN entities e ON e.entity_id = c.speaker_entity_id
ORDER BY c.article_id, c.content_start, c.content_end, c.claim_id
