-- Each source's latest failure, and whether it is still open (from the latest run, or since it began).
SELECT f.source, f.run_id, f.reason,
       f.run_id = (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1)
       OR f.failed_at >= (SELECT max(started_at) FROM runs)
FROM source_failures f
QUALIFY row_number() OVER (PARTITION BY f.source ORDER BY f.failed_at DESC) = 1
ORDER BY f.source
