-- +goose Up
-- ind_values loses its four foreign keys (country, indicator, source, run).
-- The importer is the table's only writer and stores a value only after
-- it has written the value's country and indicator (ensureRefs) under its
-- own source and run; checked by the engine they were four B-tree seeks a
-- row, 10-15% of a 12.8-million-value import (NOTES.md, "WDI-size import
-- benchmark"). TestImportLeavesNoOrphans checks what they guarded.
-- SQLite cannot drop a constraint: the table is rebuilt with its rows and
-- ids. ind_revisions references ind_values(id) ON DELETE CASCADE, so its
-- rows are set aside too (dropping ind_values would delete them). No
-- ALTER TABLE ... RENAME: it opens the connection's temporary database,
-- after which the importer's PRAGMA temp_store fails inside a transaction.
CREATE TABLE ind_values_keep AS SELECT * FROM ind_values;
CREATE TABLE ind_revisions_keep AS SELECT * FROM ind_revisions;
DROP TABLE ind_revisions;
DROP TABLE ind_values;
CREATE TABLE ind_values (
    id          {{ID}},
    country     TEXT NOT NULL,
    indicator   TEXT NOT NULL,
    scope       TEXT NOT NULL DEFAULT '',
    period      TEXT NOT NULL,
    value       {{FLOAT}},
    value_text  TEXT NOT NULL DEFAULT '',
    source_id   BIGINT NOT NULL,
    cite_url    TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    run_id      BIGINT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (country, indicator, scope, period, source_id)
);
INSERT INTO ind_values (id, country, indicator, scope, period, value, value_text, source_id, cite_url, note, run_id, updated_at)
    SELECT id, country, indicator, scope, period, value, value_text, source_id, cite_url, note, run_id, updated_at FROM ind_values_keep ORDER BY id;
CREATE INDEX ind_values_indicator ON ind_values(indicator, country);
CREATE TABLE ind_revisions (
    id          {{ID}},
    value_id    BIGINT NOT NULL REFERENCES ind_values(id) ON DELETE CASCADE,
    old_value   {{FLOAT}},
    old_text    TEXT NOT NULL DEFAULT '',
    old_run_id  BIGINT NOT NULL,
    new_value   {{FLOAT}},
    new_text    TEXT NOT NULL DEFAULT '',
    new_run_id  BIGINT NOT NULL,
    revised_at  TEXT NOT NULL
);
INSERT INTO ind_revisions (id, value_id, old_value, old_text, old_run_id, new_value, new_text, new_run_id, revised_at)
    SELECT id, value_id, old_value, old_text, old_run_id, new_value, new_text, new_run_id, revised_at FROM ind_revisions_keep ORDER BY id;
CREATE INDEX ind_revisions_value ON ind_revisions(value_id);
DROP TABLE ind_revisions_keep;
DROP TABLE ind_values_keep;

-- +goose Down
CREATE TABLE ind_values_keep AS SELECT * FROM ind_values;
CREATE TABLE ind_revisions_keep AS SELECT * FROM ind_revisions;
DROP TABLE ind_revisions;
DROP TABLE ind_values;
CREATE TABLE ind_values (
    id          {{ID}},
    country     TEXT NOT NULL REFERENCES ind_countries(code),
    indicator   TEXT NOT NULL REFERENCES ind_indicators(code),
    scope       TEXT NOT NULL DEFAULT '',
    period      TEXT NOT NULL,
    value       {{FLOAT}},
    value_text  TEXT NOT NULL DEFAULT '',
    source_id   BIGINT NOT NULL REFERENCES ind_sources(id),
    cite_url    TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    run_id      BIGINT NOT NULL REFERENCES ind_import_runs(id),
    updated_at  TEXT NOT NULL,
    UNIQUE (country, indicator, scope, period, source_id)
);
INSERT INTO ind_values (id, country, indicator, scope, period, value, value_text, source_id, cite_url, note, run_id, updated_at)
    SELECT id, country, indicator, scope, period, value, value_text, source_id, cite_url, note, run_id, updated_at FROM ind_values_keep ORDER BY id;
CREATE INDEX ind_values_indicator ON ind_values(indicator, country);
CREATE TABLE ind_revisions (
    id          {{ID}},
    value_id    BIGINT NOT NULL REFERENCES ind_values(id) ON DELETE CASCADE,
    old_value   {{FLOAT}},
    old_text    TEXT NOT NULL DEFAULT '',
    old_run_id  BIGINT NOT NULL,
    new_value   {{FLOAT}},
    new_text    TEXT NOT NULL DEFAULT '',
    new_run_id  BIGINT NOT NULL,
    revised_at  TEXT NOT NULL
);
INSERT INTO ind_revisions (id, value_id, old_value, old_text, old_run_id, new_value, new_text, new_run_id, revised_at)
    SELECT id, value_id, old_value, old_text, old_run_id, new_value, new_text, new_run_id, revised_at FROM ind_revisions_keep ORDER BY id;
CREATE INDEX ind_revisions_value ON ind_revisions(value_id);
DROP TABLE ind_revisions_keep;
DROP TABLE ind_values_keep;
