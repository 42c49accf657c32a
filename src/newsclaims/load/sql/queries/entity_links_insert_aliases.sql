-- entity_aliases under the linked ids.
INSERT INTO entity_aliases BY NAME
SELECT entity_id, article_id, max(name) AS name, max(type) AS type, alias,
       max(wikidata_id) AS wikidata_id, sum(n_mentions)::BIGINT AS n_mentions,
       list_sort(list_distinct(flatten(list(roles)))) AS roles
FROM _nc_aliases GROUP BY entity_id, article_id, alias
