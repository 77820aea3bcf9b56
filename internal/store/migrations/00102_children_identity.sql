-- +goose Up
-- Where the child was born and the parents' names, as the child or a
-- document gives them: family tracing compares them (a relative asking for
-- a child names the parents), and parent_details stays the free-text
-- account of separation.
ALTER TABLE cases ADD COLUMN birth_place TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN mother_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN father_name TEXT NOT NULL DEFAULT '';

-- One row per correction of a case's identity, in order: the tracing
-- matcher of every server reads past the last one it has seen to index the
-- corrected case anew (updated_at moves on every transition too, and with
-- the store's clock, not in commit order).
CREATE TABLE case_identity_changes (
    seq     {{ID}},
    case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at      TEXT NOT NULL
);

-- +goose Down
DROP TABLE case_identity_changes;
ALTER TABLE cases DROP COLUMN father_name;
ALTER TABLE cases DROP COLUMN mother_name;
ALTER TABLE cases DROP COLUMN birth_place;
