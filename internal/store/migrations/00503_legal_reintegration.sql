-- +goose Up

-- A repatriated child's hand-off to the home country: who received the
-- child, when, and a contact through that agency for a follow-up, so that
-- a return is never the silent end of a file.
CREATE TABLE legal_reintegrations (
    case_id          BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    agency_kind      TEXT NOT NULL,
    agency_name      TEXT NOT NULL,
    handed_over_on   TEXT NOT NULL,
    received_by      TEXT NOT NULL,
    followup_contact TEXT NOT NULL DEFAULT '',
    recorded_by      TEXT NOT NULL,
    recorded_at      TEXT NOT NULL
);

-- +goose Down
DROP TABLE legal_reintegrations;
