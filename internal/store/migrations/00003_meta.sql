-- +goose Up
-- Small facts about this installation, e.g. which demo data was loaded.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE meta;
