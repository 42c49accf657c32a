-- Entities an analyst can use: roles kept apart from names, and the cross-article links the load
-- makes (spelling variants of one person folded to one id, a surname alone joined to the one full
-- name with that surname in the same story or the same feed's recent window).

-- the title words written before a name ("Archbishop", "Foreign Secretary"), per article and per entity
ALTER TABLE entity_aliases ADD COLUMN roles VARCHAR[];
ALTER TABLE entities ADD COLUMN roles VARCHAR[];

-- one row per (article, entity id the extraction gave) that the load rewrote to another id in
-- mentions, claims and entity_aliases; decided once, when the article is loaded
CREATE TABLE entity_links (
    article_id  VARCHAR NOT NULL,
    entity_id   VARCHAR NOT NULL,          -- the id of the article's own extraction
    linked_id   VARCHAR NOT NULL,          -- the id it now has in the warehouse
    rule        VARCHAR NOT NULL,          -- spelling | surname-story | surname-feed
    run_id      VARCHAR,
    PRIMARY KEY (article_id, entity_id)
);
