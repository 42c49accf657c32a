-- rpt_quality_checks: data-quality checks with a pass/warn mark, for the rows each run added
-- (scope = run_id) and for the whole warehouse (scope = 'warehouse'). rate = n_flagged / n_rows;
-- status is 'warn' when rate > warn_above, 'n/a' when the scope has no rows.
CREATE OR REPLACE VIEW rpt_quality_checks AS
WITH art AS (
    SELECT run_id AS scope, * EXCLUDE (run_id) FROM articles
    UNION ALL BY NAME
    SELECT 'warehouse' AS scope, * EXCLUDE (run_id) FROM articles
),
cl AS (
    SELECT a.scope, c.*, length(a.body) AS body_length
    FROM claims c JOIN art a USING (article_id)
),
me AS (
    SELECT a.scope, m.* FROM mentions m JOIN art a USING (article_id)
),
scopes AS (
    SELECT DISTINCT run_id AS scope FROM runs UNION SELECT 'warehouse'
),
checks AS (
    SELECT scope, 10 AS ord, 'articles without a date' AS check_name, 'articles' AS table_name,
           'published_date' AS column_name, count(*) AS n_rows,
           count(*) FILTER (WHERE published_date IS NULL) AS n_flagged, 0.0 AS warn_above
    FROM art GROUP BY scope
    UNION ALL
    SELECT scope, 20, 'articles without an outlet', 'articles', 'outlet', count(*),
           count(*) FILTER (WHERE outlet IS NULL), 0.0 FROM art GROUP BY scope
    UNION ALL
    SELECT scope, 30, 'articles without a title', 'articles', 'title', count(*),
           count(*) FILTER (WHERE title IS NULL OR trim(title) = ''), 0.0 FROM art GROUP BY scope
    UNION ALL
    SELECT scope, 40, 'articles without a language', 'articles', 'language', count(*),
           count(*) FILTER (WHERE language IS NULL), 0.0 FROM art GROUP BY scope
    UNION ALL
    SELECT scope, 50, 'claims without a resolved speaker', 'claims', 'speaker_entity_id', count(*),
           count(*) FILTER (WHERE speaker_entity_id IS NULL), 0.25 FROM cl GROUP BY scope
    UNION ALL
    SELECT scope, 60, 'claims without a cue', 'claims', 'cue', count(*),
           count(*) FILTER (WHERE cue IS NULL), 0.1 FROM cl GROUP BY scope
    UNION ALL
    SELECT scope, 70, 'claims without a date', 'claims', 'claim_date', count(*),
           count(*) FILTER (WHERE claim_date IS NULL), 0.0 FROM cl GROUP BY scope
    UNION ALL
    SELECT scope, 80, 'claim offsets outside the article body', 'claims', 'content_start, content_end', count(*),
           count(*) FILTER (WHERE content_start < 0 OR content_end > body_length OR content_start >= content_end),
           0.0 FROM cl GROUP BY scope
    UNION ALL
    SELECT scope, 90, 'mentions not linked to an entity', 'mentions', 'entity_id', count(*),
           count(*) FILTER (WHERE entity_id IS NULL), 0.2 FROM me GROUP BY scope
),
all_checks AS (
    -- every check for every scope, with zero rows where the scope added none
    SELECT s.scope, k.ord, k.check_name, k.table_name, k.column_name, k.warn_above
    FROM scopes s
    CROSS JOIN (SELECT DISTINCT ord, check_name, table_name, column_name, warn_above FROM checks) k
)
SELECT
    a.scope,
    a.ord,
    a.check_name,
    a.table_name,
    a.column_name,
    coalesce(c.n_rows, 0) AS n_rows,
    coalesce(c.n_flagged, 0) AS n_flagged,
    CASE WHEN coalesce(c.n_rows, 0) = 0 THEN NULL ELSE round(c.n_flagged / c.n_rows, 4) END AS rate,
    a.warn_above,
    CASE WHEN coalesce(c.n_rows, 0) = 0 THEN 'n/a'
         WHEN c.n_flagged / c.n_rows > a.warn_above THEN 'warn'
         ELSE 'pass' END AS status
FROM all_checks a
LEFT JOIN checks c USING (scope, ord);
