-- Failed and interrupted runs are recorded too: runs.status is completed | failed | interrupted,
-- and reason says why a run did not complete (the one-line message the user saw; NULL when it completed).

ALTER TABLE runs ADD COLUMN reason VARCHAR;
