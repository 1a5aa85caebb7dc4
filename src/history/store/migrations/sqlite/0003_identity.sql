-- One person, many records: contacts that named nobody (or several citizens) wait for a supervisor, and two
-- records of the same person can be merged and the merge undone (see store/unmatched.rs and store/identity.rs).

-- A record merged into another is kept, marked with where it went, so the merge can be undone. Lookups, searches
-- and profiles skip it.
ALTER TABLE citizens ADD COLUMN merged_into TEXT;

-- The merge that brought an identifier to this citizen; NULL for the registry's own. Undoing a merge takes away
-- exactly the identifiers it brought, and a registry update leaves them alone.
ALTER TABLE citizen_identifiers ADD COLUMN merge_id TEXT;

-- Contacts whose valid reference matched no citizen (`no_match`) or several (`ambiguous`). At most one row per
-- (source, source_id), like events. `candidates` is a JSON array of citizen ids, `input` the contact as sent.
CREATE TABLE unmatched_events (
    id           TEXT PRIMARY KEY,
    source       TEXT NOT NULL,
    source_id    TEXT NOT NULL,
    reason       TEXT NOT NULL,
    named_by     TEXT NOT NULL,
    candidates   TEXT NOT NULL,
    input        TEXT NOT NULL,
    received_at  BIGINT NOT NULL,
    UNIQUE (source, source_id)
);
CREATE INDEX unmatched_events_received ON unmatched_events (received_at, id);

-- One row per merge of `from_id` into `into_id`, with who did it and, once undone, who undid it.
CREATE TABLE merges (
    id          TEXT PRIMARY KEY,
    into_id     TEXT NOT NULL REFERENCES citizens (id),
    from_id     TEXT NOT NULL REFERENCES citizens (id),
    staff_id    TEXT NOT NULL REFERENCES staff (id),
    merged_at   BIGINT NOT NULL,
    undone_at   BIGINT,
    undone_by   TEXT REFERENCES staff (id)
);
CREATE INDEX merges_into ON merges (into_id);
CREATE INDEX merges_from ON merges (from_id);

-- Exactly which events and sessions a merge moved (`kind` is `event` or `session`), so undo moves those back and
-- nothing else.
CREATE TABLE merge_rows (
    merge_id  TEXT NOT NULL REFERENCES merges (id),
    kind      TEXT NOT NULL,
    row_id    TEXT NOT NULL,
    PRIMARY KEY (merge_id, kind, row_id)
);

-- The merged record's identifiers as they were (with the earlier merge that had brought each, if any).
CREATE TABLE merge_identifiers (
    merge_id       TEXT NOT NULL REFERENCES merges (id),
    kind           TEXT NOT NULL,
    value          TEXT NOT NULL,
    earlier_merge  TEXT,
    PRIMARY KEY (merge_id, kind, value)
);

-- Case rows around a merge, per (authority, case_ref) the merged record had: `from` its row before, `into` the
-- target's row before (when it had one), `after` the target's row the merge left. Undo restores `from`, and
-- `into` when the target's row is still `after`; otherwise it recomputes the target's row from its events.
CREATE TABLE merge_cases (
    merge_id         TEXT NOT NULL REFERENCES merges (id),
    side             TEXT NOT NULL,
    authority        TEXT NOT NULL,
    case_ref         TEXT NOT NULL,
    status           TEXT NOT NULL,
    kle              TEXT,
    owner            TEXT,
    summary          TEXT NOT NULL,
    opened_at        BIGINT NOT NULL,
    last_contact_at  BIGINT NOT NULL,
    last_event_id    TEXT NOT NULL,
    PRIMARY KEY (merge_id, side, authority, case_ref)
);
