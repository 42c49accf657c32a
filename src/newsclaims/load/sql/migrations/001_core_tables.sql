-- Core tables of the warehouse. Each mirrors one record in src/newsclaims/models.py.
-- Keys make loading idempotent: the loader inserts with OR IGNORE, so a batch loaded twice adds nothing.

CREATE TABLE articles (
    article_id      VARCHAR PRIMARY KEY,   -- 'a_' + sha256 of the normalised body (16 hex)
    feed            VARCHAR NOT NULL,      -- source name in the sources file
    outlet          VARCHAR,               -- recognised from content by an outlet profile, or the feed default
    title           VARCHAR,
    subtitle        VARCHAR,
    dateline_place  VARCHAR,
    published_date  DATE,
    date_source     VARCHAR,               -- metadata | date line | dateline | dateline+year-inferred | path
    language        VARCHAR,               -- ISO 639-1
    body            VARCHAR NOT NULL,      -- every span offset points into this text
    word_count      BIGINT NOT NULL,
    raw_path        VARCHAR NOT NULL,
    raw_sha256      VARCHAR NOT NULL,
    raw_encoding    VARCHAR,
    body_map        BIGINT[][],            -- [body_offset, raw_offset] anchors: body spans back to raw text
    ingested_at     TIMESTAMPTZ NOT NULL,
    run_id          VARCHAR NOT NULL
);

CREATE TABLE duplicates (
    raw_path      VARCHAR NOT NULL,
    raw_sha256    VARCHAR NOT NULL,
    feed          VARCHAR NOT NULL,
    outlet        VARCHAR,
    duplicate_of  VARCHAR NOT NULL,        -- article_id of the kept article that stands for it
    method        VARCHAR NOT NULL,        -- exact | near
    similarity    DOUBLE NOT NULL,
    run_id        VARCHAR NOT NULL,
    PRIMARY KEY (raw_path, raw_sha256)
);

CREATE TABLE rejects (
    raw_path    VARCHAR NOT NULL,
    raw_sha256  VARCHAR NOT NULL,
    feed        VARCHAR NOT NULL,
    stage       VARCHAR NOT NULL,          -- read | decode | normalise | extract
    reason      VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL,
    PRIMARY KEY (raw_path, raw_sha256)
);

CREATE TABLE mentions (
    article_id  VARCHAR NOT NULL,
    entity_id   VARCHAR,
    text        VARCHAR NOT NULL,
    label       VARCHAR NOT NULL,          -- OntoNotes label
    start_char  BIGINT NOT NULL,
    end_char    BIGINT NOT NULL,
    method      VARCHAR NOT NULL,          -- ner | ruler | alias | description | pronoun
    PRIMARY KEY (article_id, start_char, end_char)
);

CREATE TABLE entity_aliases (
    entity_id    VARCHAR NOT NULL,
    article_id   VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    type         VARCHAR NOT NULL,
    alias        VARCHAR NOT NULL,
    wikidata_id  VARCHAR,
    n_mentions   BIGINT NOT NULL,
    PRIMARY KEY (entity_id, article_id, alias)
);

-- Aggregated from entity_aliases + mentions after every load (see views/ and warehouse.py).
CREATE TABLE entities (
    entity_id      VARCHAR PRIMARY KEY,
    name           VARCHAR NOT NULL,
    type           VARCHAR NOT NULL,
    aliases        VARCHAR[] NOT NULL,
    wikidata_id    VARCHAR,
    mention_count  BIGINT NOT NULL,
    first_seen     DATE,
    last_seen      DATE
);

CREATE TABLE claims (
    claim_id           VARCHAR PRIMARY KEY,
    article_id         VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL CHECK (kind IN ('direct', 'indirect', 'mixed')),
    speaker_entity_id  VARCHAR,
    speaker_text       VARCHAR,
    speaker_start      BIGINT,
    speaker_end        BIGINT,
    cue                VARCHAR,
    cue_start          BIGINT,
    cue_end            BIGINT,
    content            VARCHAR NOT NULL,
    content_start      BIGINT NOT NULL,
    content_end        BIGINT NOT NULL,
    content_spans      BIGINT[][],
    confidence         DOUBLE NOT NULL,
    claim_date         DATE
);

CREATE TABLE runs (
    run_id         VARCHAR PRIMARY KEY,
    flow_run_id    VARCHAR,
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    status         VARCHAR NOT NULL,
    sources_file   VARCHAR NOT NULL,
    n_documents    BIGINT NOT NULL,
    n_articles     BIGINT NOT NULL,
    n_duplicates   BIGINT NOT NULL,
    n_rejects      BIGINT NOT NULL,
    n_skipped      BIGINT NOT NULL,
    n_mentions     BIGINT NOT NULL,
    n_claims       BIGINT NOT NULL,
    stage_seconds  VARCHAR NOT NULL
);

-- Which lake batches are in the warehouse (the loader's bookmark).
CREATE TABLE lake_batches (
    batch_id   VARCHAR PRIMARY KEY,
    run_id     VARCHAR,
    loaded_at  TIMESTAMPTZ NOT NULL
);
