-- Every entity with all the names it is known by (name, aliases, id), for `report entity` to match
-- the name a user typed against.
WITH names AS (
    SELECT entity_id, name AS alias FROM entities
    UNION SELECT entity_id, unnest(aliases) FROM entities
    UNION SELECT entity_id, alias FROM entity_aliases
    UNION SELECT entity_id, entity_id FROM entities
)
SELECT e.*, list(DISTINCT n.alias) AS names
FROM entities e JOIN names n USING (entity_id)
GROUP BY ALL
