-- +goose Up

-- The child's country of birth as recorded at intake, copied when the
-- screening is saved, so that the queue's chart counts children without
-- counsel by country with one grouped query (reading every child's case
-- through the children domain took most of a second at 100,000 cases).
-- NULL: not copied yet (screenings saved before this migration: filled on
-- the chart's first read); '': not recorded at intake.
ALTER TABLE legal_screenings ADD COLUMN birth_country TEXT;

-- +goose Down
ALTER TABLE legal_screenings DROP COLUMN birth_country;
