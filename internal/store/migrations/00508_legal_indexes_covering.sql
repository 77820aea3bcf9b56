-- +goose Up

-- The queue's chart, for a viewer with a case scope (a caseworker), tests
-- the scope on the case id of every flagged child. The chart index of
-- migration 00506 lacked the case id (the primary key is not the rowid:
-- BIGINT), so each child's row was read from the table as well: half of
-- the chart's time at 100,000 cases on SQLite (internal/legal/NOTES.md).
-- With the case id last the read needs the index only.
DROP INDEX legal_screenings_chart;
CREATE INDEX legal_screenings_chart ON legal_screenings(flagged, first_flagged_at, counsel_at, birth_country, case_id);

-- The queue walks the flagged children without counsel (counsel_at NULL)
-- longest waiting first, testing the scope on the case id: all in this
-- index, no table read until a child is kept, no look-up of referrals.
CREATE INDEX legal_screenings_waiting ON legal_screenings(flagged, counsel_at, first_flagged_at, case_id);

-- The chart's "represented since" (counsel_at) is never before the flag
-- it answers: a child accepted by counsel before a later screening raised
-- the flags again has not been without counsel since (legal.SaveScreening
-- keeps this from now on).
UPDATE legal_screenings SET counsel_at = first_flagged_at WHERE counsel_at < first_flagged_at;

-- +goose Down
DROP INDEX legal_screenings_waiting;
DROP INDEX legal_screenings_chart;
CREATE INDEX legal_screenings_chart ON legal_screenings(flagged, first_flagged_at, counsel_at, birth_country);
