-- +goose Up
-- Occupancy at an instant is (placements started by then) minus (ended by
-- then): two index-only counts instead of a scan of the history.
CREATE INDEX placements_end ON placements(end_at);
CREATE INDEX placements_facility_end ON placements(facility_id, end_at);

-- +goose Down
DROP INDEX placements_facility_end;
DROP INDEX placements_end;
