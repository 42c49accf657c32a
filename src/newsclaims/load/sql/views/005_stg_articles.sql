-- stg_articles: the articles table with the outlet label every report shows, defined once: the
-- recognised outlet, or '(feed NAME)' when no outlet profile recognised the document.
CREATE OR REPLACE VIEW stg_articles AS
WITH source AS (
    SELECT * FROM articles
),
final AS (
    SELECT
        *,
        coalesce(outlet, '(feed ' || feed || ')') AS outlet_label
    FROM source
)
SELECT * FROM final;
