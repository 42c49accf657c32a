-- A run report's table counts: rows in total, rows the run added, and whether the table has rows per run.
-- Parameter: the run id.
SELECT t.table_name, t.n_rows AS total, coalesce(r.n_rows, 0) AS this_run,
       t.table_name IN (SELECT table_name FROM rpt_table_rows WHERE run_id IS NOT NULL)
       OR t.table_name IN ('articles', 'duplicates', 'rejects', 'mentions', 'claims',
                           'entity_aliases', 'article_stories', 'claim_groups') AS per_run
FROM rpt_table_rows t
LEFT JOIN rpt_table_rows r ON r.table_name = t.table_name AND r.run_id = ?
WHERE t.run_id IS NULL ORDER BY t.table_name
