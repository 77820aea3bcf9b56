-- +goose Up

-- The flagged screenings whose country of birth is not copied yet (saved
-- before migration 00505). The queue's chart looks for them on every
-- read; without this index that look scanned every flagged child (half of
-- the chart's time at 100,000 cases, internal/legal/NOTES.md). Partial:
-- the index is empty once every country is copied.
CREATE INDEX legal_screenings_no_country ON legal_screenings(case_id) WHERE birth_country IS NULL AND flagged = 1;

-- The chart counts the children without counsel now by country, and the
-- children accepted by counsel before and per day inside its window: both
-- read in this index's order (counsel_at NULL first), no sort.
CREATE INDEX legal_screenings_counsel ON legal_screenings(flagged, counsel_at, birth_country, first_flagged_at);

-- +goose Down
DROP INDEX legal_screenings_counsel;
DROP INDEX legal_screenings_no_country;
