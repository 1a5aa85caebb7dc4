-- Hardening after a red-team pass.

-- A digest of the contact as a channel system sent it (SHA-256 of its canonical JSON). A repeat of
-- (source, source_id) is answered from it without returning anything stored: the same body is a no-op, another
-- body a conflict. NULL for rows that no channel system sent (sessions, demo data) and rows from before it.
ALTER TABLE events ADD COLUMN input_digest TEXT;

-- Reads of citizen data that the service refused (400, 403, 404, 410) by an authenticated caller: what a
-- supervisor needs to see someone probing. Nothing of the request is kept but its route template and answer.
CREATE TABLE refused_reads (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL,
    staff_id    TEXT NOT NULL REFERENCES staff (id),
    method      TEXT NOT NULL,
    route       TEXT NOT NULL,
    status      BIGINT NOT NULL,
    code        TEXT NOT NULL
);
CREATE INDEX refused_reads_at ON refused_reads (at, id);
