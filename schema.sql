-- opus schema, version 1. Later changes go in migrations/NNNN_name.sql, never here.
--
-- One file for SQLite and Postgres. Lines starting "-- sqlite: " or "-- postgres: " are
-- kept (without the prefix) only for that database; blocks between "-- sqlite:begin" and
-- "-- sqlite:end" (or postgres) likewise. Everything else is common SQL.
--
-- Ids are application-generated text; timestamps are UTC RFC 3339 text with fixed
-- microsecond width, so they sort as text on both databases. Every tenant row carries
-- owner_id, and cross-table references that must stay within one owner are composite
-- foreign keys on (owner_id, id).

CREATE TABLE owners (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('profile', 'user')),
    name       TEXT NOT NULL CHECK (name <> ''),
    created_at TEXT NOT NULL,
    UNIQUE (kind, name)
);

-- Per-owner counters behind the handles D1, F1, P1, J1, R1.
CREATE TABLE handle_counters (
    owner_id TEXT NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    prefix   TEXT NOT NULL CHECK (prefix IN ('D', 'F', 'P', 'J', 'R')),
    last     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (owner_id, prefix)
);

CREATE TABLE credentials (
    owner_id      TEXT PRIMARY KEY REFERENCES owners (id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash   TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES owners (id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    last_used_at TEXT
);
CREATE INDEX api_tokens_owner ON api_tokens (owner_id);

CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL REFERENCES owners (id),
    seq             BIGINT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('extract_facts', 'generate_paragraph', 'verify_paragraph')),
    target_id       TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempt         INTEGER NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts    INTEGER NOT NULL CHECK (max_attempts >= 1),
    run_after       TEXT NOT NULL,
    lease_until     TEXT,
    idempotency_key TEXT NOT NULL,
    trace_id        TEXT NOT NULL,
    engine_job_id   BIGINT,
    error           TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    finished_at     TEXT,
    UNIQUE (owner_id, seq),
    UNIQUE (owner_id, idempotency_key),
    UNIQUE (owner_id, id)
);
CREATE INDEX jobs_state_run_after ON jobs (state, run_after);
CREATE INDEX jobs_owner_target ON jobs (owner_id, target_id);

CREATE TABLE runs (
    id             TEXT PRIMARY KEY,
    owner_id       TEXT NOT NULL REFERENCES owners (id),
    seq            BIGINT NOT NULL,
    job_id         TEXT,
    trace_id       TEXT NOT NULL,
    agent          TEXT NOT NULL CHECK (agent IN ('librarian', 'writer', 'verifier')),
    provider       TEXT NOT NULL,
    model          TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    temperature    DOUBLE PRECISION NOT NULL,
    input_hash     TEXT NOT NULL,
    request        TEXT NOT NULL,
    response       TEXT,
    status         TEXT NOT NULL CHECK (status IN ('ok', 'invalid_output', 'error', 'cached')),
    error          TEXT,
    tokens_in      BIGINT NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
    tokens_out     BIGINT NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
    tokens_cached  BIGINT NOT NULL DEFAULT 0 CHECK (tokens_cached >= 0),
    cost_usd       DOUBLE PRECISION NOT NULL DEFAULT 0 CHECK (cost_usd >= 0),
    latency_ms     BIGINT NOT NULL DEFAULT 0,
    cached_from    TEXT REFERENCES runs (id),
    -- Librarian rejections by reason, as JSON ({"quote_not_found": 3, ...}).
    rejections     TEXT,
    created_at     TEXT NOT NULL,
    UNIQUE (owner_id, seq),
    UNIQUE (owner_id, id),
    FOREIGN KEY (owner_id, job_id) REFERENCES jobs (owner_id, id)
);
CREATE INDEX runs_owner_input_hash ON runs (owner_id, input_hash);
CREATE INDEX runs_owner_job ON runs (owner_id, job_id);

CREATE TABLE documents (
    id         TEXT PRIMARY KEY,
    owner_id   TEXT NOT NULL REFERENCES owners (id),
    seq        BIGINT NOT NULL,
    title      TEXT NOT NULL,
    filename   TEXT NOT NULL,
    media_type TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'text/plain', 'text/markdown')),
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    bytes      BIGINT NOT NULL CHECK (bytes > 0),
    page_count INTEGER NOT NULL CHECK (page_count > 0),
    state      TEXT NOT NULL CHECK (state IN ('stored', 'text_ready', 'extracting', 'facts_ready', 'failed')),
    error      TEXT,
    blob_path  TEXT NOT NULL,
    bibkey     TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (owner_id, seq),
    UNIQUE (owner_id, sha256),
    UNIQUE (owner_id, id)
);

CREATE TABLE document_pages (
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    page_no     INTEGER NOT NULL CHECK (page_no >= 1),
    text        TEXT NOT NULL,
    PRIMARY KEY (document_id, page_no)
);

CREATE TABLE facts (
    id           TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES owners (id),
    seq          BIGINT NOT NULL,
    origin       TEXT NOT NULL CHECK (origin IN ('extracted', 'manual')),
    document_id  TEXT,
    page         INTEGER CHECK (page >= 1),
    quote        TEXT,
    text         TEXT NOT NULL CHECK (text <> ''),
    -- Normalised text: an extraction replayed after a crash finds its facts already there.
    text_key     TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('finding', 'method', 'measurement', 'population', 'definition', 'background', 'limitation')),
    source_note  TEXT,
    state        TEXT NOT NULL CHECK (state IN ('active', 'retracted')),
    run_id       TEXT,
    created_at   TEXT NOT NULL,
    retracted_at TEXT,
    UNIQUE (owner_id, seq),
    UNIQUE (owner_id, id),
    FOREIGN KEY (owner_id, document_id) REFERENCES documents (owner_id, id),
    FOREIGN KEY (owner_id, run_id) REFERENCES runs (owner_id, id),
    CHECK (origin <> 'extracted' OR (document_id IS NOT NULL AND page IS NOT NULL AND quote IS NOT NULL AND quote <> '')),
    CHECK (origin <> 'manual' OR (source_note IS NOT NULL AND source_note <> ''))
);
CREATE INDEX facts_owner_document ON facts (owner_id, document_id);
CREATE UNIQUE INDEX facts_document_text_key ON facts (document_id, text_key) WHERE document_id IS NOT NULL;

-- Full-text search over facts, always joined back to facts and filtered by owner.
-- sqlite:begin
CREATE VIRTUAL TABLE facts_fts USING fts5 (fact_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER facts_fts_insert AFTER INSERT ON facts BEGIN
    INSERT INTO facts_fts (fact_id, body) VALUES (new.id, new.text || ' ' || coalesce(new.quote, ''));
END;
CREATE TRIGGER facts_fts_delete AFTER DELETE ON facts BEGIN
    DELETE FROM facts_fts WHERE fact_id = old.id;
END;
-- sqlite:end
-- postgres:begin
ALTER TABLE facts ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', text || ' ' || coalesce(quote, ''))) STORED;
CREATE INDEX facts_search ON facts USING gin (search);
-- postgres:end

CREATE TABLE paragraphs (
    id               TEXT PRIMARY KEY,
    owner_id         TEXT NOT NULL REFERENCES owners (id),
    seq              BIGINT NOT NULL,
    spec             TEXT NOT NULL,
    spec_hash        TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN ('draft', 'queued', 'generating', 'verifying', 'verified', 'rejected', 'failed', 'stale')),
    current_revision INTEGER,
    error            TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    -- sqlite: FOREIGN KEY (id, current_revision) REFERENCES revisions (paragraph_id, n),
    UNIQUE (owner_id, seq),
    UNIQUE (owner_id, id)
);

-- The spec's allowed facts, snapshotted when the paragraph is created.
CREATE TABLE paragraph_allowed_facts (
    owner_id     TEXT NOT NULL,
    paragraph_id TEXT NOT NULL,
    fact_id      TEXT NOT NULL,
    must_use     INTEGER NOT NULL DEFAULT 0 CHECK (must_use IN (0, 1)),
    ordinal      INTEGER NOT NULL,
    PRIMARY KEY (paragraph_id, fact_id),
    FOREIGN KEY (owner_id, paragraph_id) REFERENCES paragraphs (owner_id, id) ON DELETE CASCADE,
    FOREIGN KEY (owner_id, fact_id) REFERENCES facts (owner_id, id)
);

CREATE TABLE revisions (
    id           TEXT PRIMARY KEY,
    paragraph_id TEXT NOT NULL REFERENCES paragraphs (id) ON DELETE CASCADE,
    n            INTEGER NOT NULL CHECK (n >= 1),
    origin       TEXT NOT NULL CHECK (origin IN ('writer', 'repair', 'edit')),
    run_id       TEXT REFERENCES runs (id),
    created_at   TEXT NOT NULL,
    UNIQUE (paragraph_id, n),
    UNIQUE (id, paragraph_id)
);
-- postgres: ALTER TABLE paragraphs ADD FOREIGN KEY (id, current_revision) REFERENCES revisions (paragraph_id, n) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE sentences (
    id              TEXT PRIMARY KEY,
    revision_id     TEXT NOT NULL,
    paragraph_id    TEXT NOT NULL,
    ordinal         INTEGER NOT NULL CHECK (ordinal >= 0),
    text            TEXT NOT NULL CHECK (text <> ''),
    verdict         TEXT NOT NULL CHECK (verdict IN ('pending', 'supported', 'unsupported')),
    reason          TEXT,
    verifier_run_id TEXT REFERENCES runs (id),
    UNIQUE (revision_id, ordinal),
    UNIQUE (id, paragraph_id),
    FOREIGN KEY (revision_id, paragraph_id) REFERENCES revisions (id, paragraph_id) ON DELETE CASCADE
);

-- A sentence can cite only a fact its paragraph was allowed: the composite key makes any
-- other citation impossible to store.
CREATE TABLE sentence_fact_links (
    sentence_id  TEXT NOT NULL,
    paragraph_id TEXT NOT NULL,
    fact_id      TEXT NOT NULL,
    PRIMARY KEY (sentence_id, fact_id),
    FOREIGN KEY (sentence_id, paragraph_id) REFERENCES sentences (id, paragraph_id) ON DELETE CASCADE,
    FOREIGN KEY (paragraph_id, fact_id) REFERENCES paragraph_allowed_facts (paragraph_id, fact_id)
);
CREATE INDEX sentence_fact_links_fact ON sentence_fact_links (fact_id);
