"""Load: the Parquet lake (``lake``, ``storage``), the one DuckDB writer (``database``), the run lock
(``locking``), cross-article entity links (``entity_links``), and the SQL in ``sql/`` (numbered
migrations, layered views, the schema document read by ``schema_doc``)."""
