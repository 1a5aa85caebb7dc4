-- The contact history. Times are UTC microseconds since the epoch (BIGINT) and ids are text UUIDs, so the same
-- queries run on SQLite and PostgreSQL.

CREATE TABLE staff (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    site        TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    active      BIGINT NOT NULL DEFAULT 1,
    created_at  BIGINT NOT NULL
);

CREATE TABLE citizens (
    id          TEXT PRIMARY KEY,
    cpr         TEXT NOT NULL UNIQUE,
    name_key    TEXT NOT NULL,
    fictitious  BIGINT NOT NULL,
    record      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX citizens_name_key ON citizens (name_key);

-- Every way to find a citizen: current and earlier CPR numbers, phones, e-mails (normalised).
CREATE TABLE citizen_identifiers (
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    citizen_id  TEXT NOT NULL REFERENCES citizens (id),
    PRIMARY KEY (kind, value, citizen_id)
);
CREATE INDEX citizen_identifiers_citizen ON citizen_identifiers (citizen_id);

CREATE TABLE events (
    id           TEXT PRIMARY KEY,
    citizen_id   TEXT NOT NULL REFERENCES citizens (id),
    occurred_at  BIGINT NOT NULL,
    channel      TEXT NOT NULL,
    direction    TEXT NOT NULL,
    authority    TEXT NOT NULL,
    kle          TEXT,
    case_ref     TEXT,
    status       TEXT NOT NULL,
    summary      TEXT NOT NULL,
    search_text  TEXT NOT NULL,
    source       TEXT NOT NULL,
    source_id    TEXT NOT NULL,
    staff        TEXT,
    abandoned    BIGINT NOT NULL,
    recorded_at  BIGINT NOT NULL,
    UNIQUE (source, source_id)
);
-- The newest page of one citizen's timeline, and every cursor page after it, is a range scan of this index.
CREATE INDEX events_timeline ON events (citizen_id, occurred_at DESC, id DESC);

-- The latest state of each case, kept up to date as events arrive, so the citizen card never scans history.
CREATE TABLE cases (
    citizen_id       TEXT NOT NULL REFERENCES citizens (id),
    authority        TEXT NOT NULL,
    case_ref         TEXT NOT NULL,
    status           TEXT NOT NULL,
    kle              TEXT,
    owner            TEXT,
    summary          TEXT NOT NULL,
    opened_at        BIGINT NOT NULL,
    last_contact_at  BIGINT NOT NULL,
    last_event_id    TEXT NOT NULL,
    PRIMARY KEY (citizen_id, authority, case_ref)
);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    citizen_id   TEXT REFERENCES citizens (id),
    staff_id     TEXT NOT NULL REFERENCES staff (id),
    started_at   BIGINT NOT NULL,
    body         TEXT NOT NULL,
    body_hash    TEXT NOT NULL,
    received_at  BIGINT NOT NULL
);
CREATE INDEX sessions_citizen ON sessions (citizen_id, started_at);
CREATE INDEX sessions_staff ON sessions (staff_id, started_at);
CREATE INDEX sessions_started ON sessions (started_at);

CREATE TABLE audit (
    id            TEXT PRIMARY KEY,
    at            BIGINT NOT NULL,
    staff_id      TEXT NOT NULL REFERENCES staff (id),
    action        TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    criterion     TEXT
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_staff ON audit (staff_id, at);

-- Whose data each audited call returned; one row per citizen, so a citizen's lookups are one index scan.
CREATE TABLE audit_subjects (
    citizen_id  TEXT NOT NULL,
    audit_id    TEXT NOT NULL REFERENCES audit (id),
    PRIMARY KEY (citizen_id, audit_id)
);
