-- Insights for supervisors: counts kept up to date in the same transaction as each write, so no chart ever scans
-- sessions or events. `population` keeps real citizens apart from fictitious ones (a demo, practice); sessions
-- logged by trainers are never counted. Empty text stands for "none". Days are Copenhagen dates, as days since
-- 1970-01-01. `medbetjening insights rebuild` recomputes every table below from the raw rows.

-- Failure demand judged in the channel system that reported a contact.
ALTER TABLE events ADD COLUMN failure_demand TEXT;

-- Contacts by day, site, channel, KLE topic, KOMHEN type and closing, failure reason, origin (a session logged
-- here or a contact a channel system reported), completed transaction (and whether digitally), and the guide used.
CREATE TABLE insight_contacts (
    population  TEXT NOT NULL,
    day         BIGINT NOT NULL,
    site        TEXT NOT NULL,
    channel     TEXT NOT NULL,
    kle         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    closing     TEXT NOT NULL,
    failure     TEXT NOT NULL,
    origin      TEXT NOT NULL,
    completion  TEXT NOT NULL,
    solution    TEXT NOT NULL,
    contacts    BIGINT NOT NULL,
    seconds     BIGINT NOT NULL,
    PRIMARY KEY (population, day, site, channel, kle, kind, closing, failure, origin, completion, solution)
);

-- Guide steps by guide version and step, day, site, who performed it, how it ended (and why it was skipped), and
-- the bucket its seconds fell in (medians are read from the buckets).
CREATE TABLE insight_steps (
    population    TEXT NOT NULL,
    guide         TEXT NOT NULL,
    version       BIGINT NOT NULL,
    step          TEXT NOT NULL,
    day           BIGINT NOT NULL,
    site          TEXT NOT NULL,
    performer     TEXT NOT NULL,
    step_end      TEXT NOT NULL,
    reason        TEXT NOT NULL,
    bucket        BIGINT NOT NULL,
    steps         BIGINT NOT NULL,
    seconds       BIGINT NOT NULL,
    position_sum  BIGINT NOT NULL,
    PRIMARY KEY (population, guide, version, step, day, site, performer, step_end, reason, bucket)
);
CREATE INDEX insight_steps_day ON insight_steps (population, day);

-- Guide runs by how the guide ended (empty when it reached no end).
CREATE TABLE insight_guide_runs (
    population  TEXT NOT NULL,
    guide       TEXT NOT NULL,
    version     BIGINT NOT NULL,
    day         BIGINT NOT NULL,
    site        TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    runs        BIGINT NOT NULL,
    PRIMARY KEY (population, guide, version, day, site, outcome)
);

-- Per citizen with an assessed session: the share of steps done alone in their first and latest such session.
CREATE TABLE insight_citizens (
    citizen_id    TEXT PRIMARY KEY,
    population    TEXT NOT NULL,
    sessions      BIGINT NOT NULL,
    first_at      BIGINT NOT NULL,
    first_alone   BIGINT NOT NULL,
    first_steps   BIGINT NOT NULL,
    latest_at     BIGINT NOT NULL,
    latest_alone  BIGINT NOT NULL,
    latest_steps  BIGINT NOT NULL,
    latest_site   TEXT NOT NULL
);
CREATE INDEX insight_citizens_latest ON insight_citizens (population, latest_at);

-- Given-up self-service attempts followed by an assisted contact on the same KLE group within 14 days
-- (tilbageløb): one mark per attempt, and the count per day and solution (the attempt's KLE topic).
CREATE TABLE insight_return_marks (
    attempt_id  TEXT PRIMARY KEY,
    population  TEXT NOT NULL,
    day         BIGINT NOT NULL,
    solution    TEXT NOT NULL
);
CREATE TABLE insight_returns (
    population  TEXT NOT NULL,
    day         BIGINT NOT NULL,
    solution    TEXT NOT NULL,
    returns     BIGINT NOT NULL,
    PRIMARY KEY (population, day, solution)
);

-- One row per counted session, for the drill-down behind a chart: no name, no CPR number.
CREATE TABLE insight_sessions (
    session_id  TEXT PRIMARY KEY,
    population  TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    site        TEXT NOT NULL,
    channel     TEXT NOT NULL,
    kle         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    closing     TEXT NOT NULL,
    failure     TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    guide       TEXT NOT NULL,
    seconds     BIGINT NOT NULL
);
CREATE INDEX insight_sessions_started ON insight_sessions (population, started_at, session_id);
