-- rpt_table_rows: rows per warehouse table, in total and added by each run (tables whose rows carry a
-- run id, directly or through their article). run_id NULL = the whole warehouse.
CREATE OR REPLACE VIEW rpt_table_rows AS
WITH totals AS (
    SELECT 'articles' AS table_name, count(*) AS n_rows FROM articles
    UNION ALL SELECT 'duplicates', count(*) FROM duplicates
    UNION ALL SELECT 'rejects', count(*) FROM rejects
    UNION ALL SELECT 'mentions', count(*) FROM mentions
    UNION ALL SELECT 'claims', count(*) FROM claims
    UNION ALL SELECT 'entities', count(*) FROM entities
    UNION ALL SELECT 'entity_aliases', count(*) FROM entity_aliases
    UNION ALL SELECT 'article_stories', count(*) FROM article_stories
    UNION ALL SELECT 'stories', count(*) FROM stories
    UNION ALL SELECT 'claim_groups', count(*) FROM claim_groups
    UNION ALL SELECT 'runs', count(*) FROM runs
),
per_run AS (
    SELECT run_id, 'articles' AS table_name, count(*) AS n_rows FROM articles GROUP BY run_id
    UNION ALL SELECT run_id, 'duplicates', count(*) FROM duplicates GROUP BY run_id
    UNION ALL SELECT run_id, 'rejects', count(*) FROM rejects GROUP BY run_id
    UNION ALL SELECT a.run_id, 'mentions', count(*) FROM mentions JOIN articles a USING (article_id) GROUP BY a.run_id
    UNION ALL SELECT a.run_id, 'claims', count(*) FROM claims JOIN articles a USING (article_id) GROUP BY a.run_id
    UNION ALL SELECT a.run_id, 'entity_aliases', count(*) FROM entity_aliases JOIN articles a USING (article_id)
              GROUP BY a.run_id
    UNION ALL SELECT run_id, 'article_stories', count(*) FROM article_stories GROUP BY run_id
    UNION ALL SELECT run_id, 'claim_groups', count(*) FROM claim_groups GROUP BY run_id
)
SELECT NULL::VARCHAR AS run_id, table_name, n_rows FROM totals
UNION ALL
SELECT run_id, table_name, n_rows FROM per_run;
