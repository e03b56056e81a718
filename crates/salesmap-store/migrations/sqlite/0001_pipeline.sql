-- salesmap schema 1 (SQLite): users, sessions, pipelines with immutable map versions, deals with
-- their stage entries, checklist ticks and touches, the append-only audit log and the outbox.
-- Timestamps are UTC microseconds since the Unix epoch (BIGINT); flags are SMALLINT 0/1 (one
-- type that both backends read the same way). postgres/0001_pipeline.sql is the
-- same schema in PostgreSQL's dialect; a test keeps the two in step.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'rep', 'viewer')),
    password_hash TEXT NOT NULL,
    must_change_password SMALLINT NOT NULL,
    disabled SMALLINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL,
    remote TEXT NOT NULL,
    at BIGINT NOT NULL,
    succeeded SMALLINT NOT NULL
);
CREATE INDEX login_attempts_by_login ON login_attempts (login, at);
CREATE INDEX login_attempts_by_remote ON login_attempts (remote, at);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);

CREATE TABLE pipelines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    published_version_id BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE map_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline_id BIGINT NOT NULL REFERENCES pipelines (id),
    number BIGINT NOT NULL,
    source TEXT NOT NULL,
    author_id BIGINT REFERENCES users (id),
    author TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'published', 'superseded', 'declined')),
    UNIQUE (pipeline_id, number)
);

CREATE TABLE deals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    pipeline_id BIGINT NOT NULL REFERENCES pipelines (id),
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    company TEXT,
    amount DOUBLE PRECISION,
    currency TEXT,
    owner_id BIGINT REFERENCES users (id),
    source TEXT,
    segment TEXT,
    attributes TEXT NOT NULL,
    stage TEXT NOT NULL,
    stage_entered_at BIGINT NOT NULL,
    is_open SMALLINT NOT NULL,
    version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (pipeline_id, key)
);
CREATE INDEX deals_by_stage ON deals (pipeline_id, is_open, stage, id);
CREATE INDEX deals_by_owner ON deals (pipeline_id, owner_id, id);

CREATE TABLE stage_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    stage TEXT NOT NULL,
    entered_at BIGINT NOT NULL,
    from_stage TEXT,
    actor_id BIGINT REFERENCES users (id),
    map_version_id BIGINT REFERENCES map_versions (id),
    owner TEXT,
    reason TEXT,
    override_reason TEXT,
    attributes TEXT
);
CREATE INDEX stage_entries_by_deal ON stage_entries (deal_id, entered_at, id);

CREATE TABLE ticks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    stage TEXT NOT NULL,
    item TEXT NOT NULL,
    ticked_by BIGINT REFERENCES users (id),
    ticked_at BIGINT NOT NULL,
    note TEXT,
    evidence_url TEXT,
    UNIQUE (deal_id, stage, item)
);

CREATE TABLE touches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deal_id BIGINT NOT NULL REFERENCES deals (id),
    kind TEXT NOT NULL,
    at BIGINT NOT NULL,
    author_id BIGINT REFERENCES users (id),
    note TEXT,
    attributes TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX touches_by_deal ON touches (deal_id, at, id);

CREATE TABLE audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    pipeline_id BIGINT,
    deal_id BIGINT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_by_deal ON audit (deal_id, id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    pipeline_id BIGINT NOT NULL REFERENCES pipelines (id),
    deal_id BIGINT REFERENCES deals (id),
    map_version_id BIGINT REFERENCES map_versions (id),
    idempotency_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL
);

-- A map version is immutable once written: only its status may change.
CREATE TRIGGER map_versions_immutable BEFORE UPDATE ON map_versions
WHEN NEW.source IS NOT OLD.source OR NEW.pipeline_id IS NOT OLD.pipeline_id
  OR NEW.number IS NOT OLD.number OR NEW.author IS NOT OLD.author
  OR NEW.message IS NOT OLD.message OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'a map version is immutable');
END;
CREATE TRIGGER map_versions_no_delete BEFORE DELETE ON map_versions
BEGIN
    SELECT RAISE(ABORT, 'a map version is immutable');
END;
