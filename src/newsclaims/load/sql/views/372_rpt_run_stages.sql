-- rpt_run_stages: runs.stage_seconds (a JSON object) as one row per run and stage.
CREATE OR REPLACE VIEW rpt_run_stages AS
WITH entries AS (
    SELECT run_id, unnest(map_entries(json_transform(stage_seconds, '"MAP(VARCHAR, DOUBLE)"'))) AS e
    FROM runs
    WHERE json_valid(stage_seconds)
)
SELECT run_id, e.key AS stage, e.value AS seconds
FROM entries;
