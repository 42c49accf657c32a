-- A run report's quality checks, each beside the same check over the whole warehouse.
-- Parameter: the run id.
SELECT r.check_name, r.table_name, r.column_name, r.warn_above,
       r.n_rows, r.n_flagged, r.rate, r.status,
       w.n_rows AS wh_rows, w.n_flagged AS wh_flagged, w.rate AS wh_rate, w.status AS wh_status
FROM rpt_quality_checks r
JOIN rpt_quality_checks w ON w.scope = 'warehouse' AND w.ord = r.ord
WHERE r.scope = ? ORDER BY r.ord
