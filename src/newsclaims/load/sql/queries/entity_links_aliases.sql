-- The entity aliases of the affected articles with their linked (cross-article) entity ids.
CREATE OR REPLACE TEMP TABLE _nc_aliases AS
SELECT coalesce(l.linked_id, ea.entity_id) AS entity_id, ea.article_id,
       coalesce(l.linked_name, ea.name) AS name, ea.type, ea.alias, ea.wikidata_id,
       ea.n_mentions, coalesce(ea.roles, []) AS roles
FROM entity_aliases ea
LEFT JOIN _nc_links l ON l.article_id = ea.article_id AND l.entity_id = ea.entity_id
WHERE ea.article_id IN (SELECT article_id FROM _nc_links)
