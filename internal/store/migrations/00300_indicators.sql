-- +goose Up
-- Indicators: public statistics shown with their sources. Nothing here is
-- personal data. Every value names the source it came from; a re-import
-- that changes a value keeps the earlier one in ind_revisions.

-- Where values come from: one row per published file or compilation.
CREATE TABLE ind_sources (
    id        {{ID}},
    skey      TEXT NOT NULL UNIQUE,           -- stable key, e.g. "wb-wgi-2024"
    publisher TEXT NOT NULL,
    title     TEXT NOT NULL,
    url       TEXT NOT NULL,
    retrieved TEXT NOT NULL,                  -- date the file was obtained, YYYY-MM-DD, or '' if unknown
    licence   TEXT NOT NULL,
    -- When two sources give a value for the same series and period, the
    -- lower priority is shown first; the other stays visible beside it.
    priority  INTEGER NOT NULL DEFAULT 50,
    note      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE ind_indicators (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    unit       TEXT NOT NULL,
    definition TEXT NOT NULL DEFAULT '',
    -- 'count' values are non-negative counts (forecast bounds stop at 0);
    -- 'text' values are categories (income group) and are never charted.
    kind       TEXT NOT NULL DEFAULT 'number'
);

-- Countries (ISO 3166 alpha-3), regional aggregates and the special codes
-- ALL (southwest-border total) and NT3 (El Salvador+Guatemala+Honduras).
CREATE TABLE ind_countries (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL                        -- country, aggregate, special, subdivision
);

-- What a count covers (Border Patrol only, ports of entry too, Title 42
-- era...). Series of different scope are never joined.
CREATE TABLE ind_scopes (
    code        TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE ind_import_runs (
    id               {{ID}},
    source_id        BIGINT NOT NULL REFERENCES ind_sources(id),
    format           TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    file_sha256      TEXT NOT NULL,
    started_at       TEXT NOT NULL,
    finished_at      TEXT NOT NULL,
    rows_read        BIGINT NOT NULL DEFAULT 0,
    values_inserted  BIGINT NOT NULL DEFAULT 0,
    values_updated   BIGINT NOT NULL DEFAULT 0,
    values_unchanged BIGINT NOT NULL DEFAULT 0,
    rows_skipped     BIGINT NOT NULL DEFAULT 0
);

-- What an importer corrected or skipped, and why (a BOM, a typo in a row
-- label, a revised-figure marker, a partial year left out...).
CREATE TABLE ind_import_corrections (
    id        {{ID}},
    run_id    BIGINT NOT NULL REFERENCES ind_import_runs(id) ON DELETE CASCADE,
    line      BIGINT NOT NULL,
    field     TEXT NOT NULL DEFAULT '',
    original  TEXT NOT NULL DEFAULT '',
    corrected TEXT NOT NULL DEFAULT '',
    reason    TEXT NOT NULL
);
CREATE INDEX ind_import_corrections_run ON ind_import_corrections(run_id);

CREATE TABLE ind_values (
    id          {{ID}},
    country     TEXT NOT NULL REFERENCES ind_countries(code),
    indicator   TEXT NOT NULL REFERENCES ind_indicators(code),
    scope       TEXT NOT NULL DEFAULT '',
    -- '2014' calendar year, 'FY2014' US fiscal year, '2014-03' month.
    period      TEXT NOT NULL,
    value       {{FLOAT}},                    -- NULL only for text values
    value_text  TEXT NOT NULL DEFAULT '',     -- the value as the source wrote it
    source_id   BIGINT NOT NULL REFERENCES ind_sources(id),
    cite_url    TEXT NOT NULL DEFAULT '',     -- the page a compiled row cites
    note        TEXT NOT NULL DEFAULT '',
    run_id      BIGINT NOT NULL REFERENCES ind_import_runs(id),
    updated_at  TEXT NOT NULL,
    UNIQUE (country, indicator, scope, period, source_id)
);
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
CREATE INDEX ind_revisions_value ON ind_revisions(value_id);

-- Official projections (2014) of unaccompanied children, set against what
-- happened.
CREATE TABLE ind_projections (
    id              {{ID}},
    made_on         TEXT NOT NULL,            -- as precise as the source: '2014', '2014-03', '2014-05-30'
    made_by         TEXT NOT NULL,
    country         TEXT NOT NULL,
    indicator       TEXT NOT NULL,
    target_period   TEXT NOT NULL,            -- 'FY2015'
    projected_value {{FLOAT}} NOT NULL,
    source_id       BIGINT NOT NULL REFERENCES ind_sources(id),
    cite_url        TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    UNIQUE (made_on, made_by, target_period, source_id)
);

-- +goose Down
DROP TABLE ind_projections;
DROP TABLE ind_revisions;
DROP TABLE ind_values;
DROP TABLE ind_import_corrections;
DROP TABLE ind_import_runs;
DROP TABLE ind_scopes;
DROP TABLE ind_countries;
DROP TABLE ind_indicators;
DROP TABLE ind_sources;
