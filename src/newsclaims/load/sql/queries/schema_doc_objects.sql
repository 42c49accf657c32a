-- Tables and views of the main schema with their columns in order.
SELECT t.table_name, CASE WHEN t.table_type = 'VIEW' THEN 'view' ELSE 'table' END,
       list(c.column_name ORDER BY c.ordinal_position)
FROM information_schema.tables t JOIN information_schema.columns c
     ON c.table_schema = t.table_schema AND c.table_name = t.table_name
WHERE t.table_schema = 'main' AND t.table_catalog = current_database()
      AND c.table_catalog = current_database()
GROUP BY ALL
