-- KOMHEN's optional questions, counted with the contacts: "could the citizen have done this online?" (staff's
-- judgement in the wrap-up) and "did they try online first?" (derived: a given-up self-service attempt on the same
-- KLE group in the 14 days before the session, as the history knew it when the session was logged). Rows written
-- before this migration count neither until `medbetjening insights rebuild`.
--
-- The two busiest rollups are rebuilt as WITHOUT ROWID tables on the way: their rows are then stored in key order,
-- so a year of one population is one range read instead of a lookup per row (about four times faster over 5
-- million contacts), and the readiness chart reads who did the steps from an index that holds it.
CREATE TABLE insight_contacts_new (
    population    TEXT NOT NULL,
    day           BIGINT NOT NULL,
    site          TEXT NOT NULL,
    channel       TEXT NOT NULL,
    kle           TEXT NOT NULL,
    kind          TEXT NOT NULL,
    closing       TEXT NOT NULL,
    failure       TEXT NOT NULL,
    origin        TEXT NOT NULL,
    completion    TEXT NOT NULL,
    solution      TEXT NOT NULL,
    contacts      BIGINT NOT NULL,
    seconds       BIGINT NOT NULL,
    could_online  BIGINT NOT NULL DEFAULT 0,
    tried_online  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (population, day, site, channel, kle, kind, closing, failure, origin, completion, solution)
) WITHOUT ROWID;
INSERT INTO insight_contacts_new (population, day, site, channel, kle, kind, closing, failure, origin, completion,
    solution, contacts, seconds)
SELECT population, day, site, channel, kle, kind, closing, failure, origin, completion, solution, contacts, seconds
FROM insight_contacts;
DROP TABLE insight_contacts;
ALTER TABLE insight_contacts_new RENAME TO insight_contacts;

CREATE TABLE insight_steps_new (
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
) WITHOUT ROWID;
INSERT INTO insight_steps_new SELECT * FROM insight_steps;
DROP TABLE insight_steps;
ALTER TABLE insight_steps_new RENAME TO insight_steps;
CREATE INDEX insight_steps_day ON insight_steps (population, day, performer, steps);

ALTER TABLE insight_sessions ADD COLUMN could_online TEXT NOT NULL DEFAULT '';
ALTER TABLE insight_sessions ADD COLUMN tried_online BIGINT NOT NULL DEFAULT 0;

-- Each guide version's review date, as the console that walked it reported it: the funnel of a guide nobody has
-- checked against its self-service solution for a year is marked stale.
CREATE TABLE guide_reviews (
    guide       TEXT NOT NULL,
    version     BIGINT NOT NULL,
    reviewed    TEXT NOT NULL,
    PRIMARY KEY (guide, version)
);
