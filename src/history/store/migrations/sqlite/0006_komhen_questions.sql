-- KOMHEN's optional questions, counted with the contacts: "could the citizen have done this online?" (staff's
-- judgement in the wrap-up) and "did they try online first?" (derived: a given-up self-service attempt on the same
-- KLE group in the 14 days before the session, as the history knew it when the session was logged). Rows written
-- before this migration count neither until `medbetjening insights rebuild`.
ALTER TABLE insight_contacts ADD COLUMN could_online BIGINT NOT NULL DEFAULT 0;
ALTER TABLE insight_contacts ADD COLUMN tried_online BIGINT NOT NULL DEFAULT 0;
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
