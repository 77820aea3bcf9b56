-- +goose Up

-- Whether a release includes post-release services (PRS: ORR Policy Guide
-- section 6; required after a home study, offered to others at ORR's
-- discretion). The legal domain schedules more follow-up calls for them.
ALTER TABLE releases ADD COLUMN post_release_services INTEGER NOT NULL DEFAULT 0;
-- The follow-up board reads the latest released release of many cases.
CREATE INDEX releases_case_status ON releases(case_id, status, id);

-- +goose Down
DROP INDEX releases_case_status;
ALTER TABLE releases DROP COLUMN post_release_services;
