-- stories, rebuilt from the article assignments: headline (the earliest article), dates,
-- articles, and outlets (a duplicate's outlet carries the story too).
INSERT INTO stories
WITH members AS (
    SELECT s.story_id, a.article_id, a.outlet, a.title, a.published_date, a.ingested_at
    FROM article_stories s JOIN articles a USING (article_id)
),
carriers AS (
    SELECT story_id, outlet FROM members
    UNION
    SELECT m.story_id, d.outlet FROM duplicates d JOIN members m ON m.article_id = d.duplicate_of
),
headline AS (
    SELECT story_id, title FROM members
    QUALIFY row_number() OVER (PARTITION BY story_id
                               ORDER BY published_date NULLS LAST, ingested_at, article_id) = 1
)
SELECT m.story_id, any_value(h.title), min(m.published_date), max(m.published_date),
       count(DISTINCT m.article_id),
       (SELECT count(DISTINCT c.outlet) FROM carriers c WHERE c.story_id = m.story_id)
FROM members m JOIN headline h USING (story_id)
GROUP BY m.story_id
