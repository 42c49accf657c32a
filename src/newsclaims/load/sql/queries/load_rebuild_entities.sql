-- entities, rebuilt from what every article says of each entity: the most used name, aliases,
-- roles, mention counts and first/last seen.
INSERT INTO entities
WITH names AS (
    SELECT entity_id, name, type, sum(n_mentions) AS n,
           row_number() OVER (PARTITION BY entity_id
                              ORDER BY sum(n_mentions) DESC, length(name) DESC, name) AS rk
    FROM entity_aliases GROUP BY entity_id, name, type
),
aliases AS (
    SELECT entity_id, list(DISTINCT alias ORDER BY alias) AS aliases, max(wikidata_id) AS wikidata_id,
           list_sort(list_distinct(flatten(list(coalesce(roles, []))))) AS roles
    FROM entity_aliases GROUP BY entity_id
),
seen AS (
    SELECT m.entity_id, count(*) AS mention_count,
           min(a.published_date) AS first_seen, max(a.published_date) AS last_seen
    FROM mentions m JOIN articles a USING (article_id)
    WHERE m.entity_id IS NOT NULL GROUP BY m.entity_id
)
SELECT n.entity_id, n.name, n.type, a.aliases, a.wikidata_id,
       coalesce(s.mention_count, 0), s.first_seen, s.last_seen, a.roles
FROM names n JOIN aliases a USING (entity_id) LEFT JOIN seen s USING (entity_id)
WHERE n.rk = 1
