-- +goose Up

-- Two cases of one child, merged: the duplicate is closed and points to
-- the case kept. Who merged, when and why stay here, in both timelines
-- and in the audit log.
CREATE TABLE case_merges (
    merged_id  BIGINT NOT NULL PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    kept_id    BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    merged_by  TEXT NOT NULL,
    merged_at  TEXT NOT NULL
);
CREATE INDEX case_merges_kept ON case_merges(kept_id);

-- +goose Down
DROP TABLE case_merges;
