-- rpt_run_rejects: rejected documents per run, stage and reason, with a few example paths.
CREATE OR REPLACE VIEW rpt_run_rejects AS
SELECT
    run_id,
    stage,
    reason,
    count(*) AS n,
    list(raw_path ORDER BY raw_path)[1:5] AS example_paths
FROM rejects
GROUP BY run_id, stage, reason;
