-- The audit log becomes a hash chain (see audit_chain.rs). Each row carries its place in the chain (`seq`), the
-- hash of the row before it and its own hash over a canonical encoding of its content. Rows written before this
-- migration are left without them and chained, oldest first, the first time the upgraded store is opened.
ALTER TABLE audit ADD COLUMN seq BIGINT;
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
CREATE UNIQUE INDEX audit_seq ON audit (seq);

-- The one row every append locks (updates first), so appends from several service instances are serialised:
-- the newest row's seq and hash, and how many rows from before the chain still wait to be chained.
CREATE TABLE audit_chain_head (
    id           BIGINT PRIMARY KEY,
    seq          BIGINT NOT NULL,
    hash         TEXT NOT NULL,
    legacy_rows  BIGINT NOT NULL
);
INSERT INTO audit_chain_head (id, seq, hash, legacy_rows)
    SELECT 1, 0, '0000000000000000000000000000000000000000000000000000000000000000', COUNT(*) FROM audit;

-- One row per prune: the last pruned row's seq and hash (the next row's prev_hash), how many rows went, the cutoff
-- and when, signed with HMAC-SHA256 under a key kept outside the database.
CREATE TABLE audit_checkpoints (
    seq         BIGINT PRIMARY KEY,
    hash        TEXT NOT NULL,
    pruned      BIGINT NOT NULL,
    cutoff      BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    signature   TEXT NOT NULL
);
