-- Per feed: the files it has delivered (as articles, duplicates or rejects) and when it last ran
-- (`newsclaims sources list`).
SELECT x.feed, count(DISTINCT x.raw_path), strftime(max(r.started_at), '%Y-%m-%d %H:%M')
FROM (SELECT feed, raw_path, run_id FROM articles UNION ALL SELECT feed, raw_path, run_id FROM duplicates
      UNION ALL SELECT feed, raw_path, run_id FROM rejects) x
LEFT JOIN runs r USING (run_id) GROUP BY x.feed
