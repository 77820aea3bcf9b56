-- +goose Up

-- A child's removal proceedings: the notice to appear (NTA) date and the
-- immigration court (a name from internal/legal/data/immigration_courts.csv,
-- '' when not recorded).
CREATE TABLE legal_proceedings (
    case_id     BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    nta_date    TEXT NOT NULL,
    court       TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);

-- Hearings before the immigration court. kind: master (master calendar)
-- or merits; outcome '' until known. A missed hearing carries the risk of
-- an order in absentia.
CREATE TABLE legal_hearings (
    id          {{ID}},
    case_id     BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    outcome     TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX legal_hearings_case ON legal_hearings(case_id, at);
CREATE INDEX legal_hearings_at ON legal_hearings(at);

-- +goose Down
DROP TABLE legal_hearings;
DROP TABLE legal_proceedings;
