-- The tables and views of the warehouse with their comments (`newsclaims schema`).
SELECT table_name AS name, 'table' AS kind, comment AS description FROM duckdb_tables()
WHERE NOT internal AND schema_name = 'main' AND database_name = current_database()
UNION ALL
SELECT view_name, 'view', comment FROM duckdb_views()
WHERE NOT internal AND schema_name = 'main' AND database_name = current_database()
ORDER BY kind, name
