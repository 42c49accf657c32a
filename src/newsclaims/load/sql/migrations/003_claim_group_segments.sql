-- Claim-group signatures: each claim's segments (sentences and clauses of its content) reduced to
-- the tags claim grouping compares ('k:<lemma>', 'n:<number>', 'v:<verb lemma>', 'neg'), computed
-- by the extraction step from the article's own parse, so the link step groups claims without
-- parsing their text again. NULL for claims loaded before this column existed (grouping parses
-- their text instead).

ALTER TABLE claims ADD COLUMN group_segments VARCHAR[][];
