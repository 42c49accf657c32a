-- rpt_runs: run health headline numbers (report `newsclaims report run`), one row per run.
CREATE OR REPLACE VIEW rpt_runs AS
SELECT
    run_id,
    flow_run_id,
    status,
    started_at,
    finished_at,
    round(epoch(finished_at - started_at), 3) AS seconds,
    sources_file,
    n_documents,
    n_articles AS n_new,
    n_duplicates,
    n_rejects,
    n_skipped,
    n_mentions,
    n_claims,
    reason,                                                                   -- why it did not complete
    row_number() OVER (ORDER BY started_at DESC, run_id DESC) AS recency   -- 1 = latest run
FROM runs;
