-- Sources that could not be read in a run (issue 18/19): the run records the failure and goes on
-- with the other sources. One row per run and source; `newsclaims sources list`, the run summary
-- and `newsclaims report run` show them.
CREATE TABLE source_failures (
    run_id     VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    reason     VARCHAR NOT NULL,
    failed_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, source)
);
