-- +goose Up
-- A value row names its series by an integer (ind_series: one row per
-- country, indicator, scope and source) instead of repeating the four
-- keys and the time of its import in every row: a World Bank file of 12.8
-- million values is 400,000 series. ind_points is keyed by (series_id,
-- period): a heap and one index rather than a heap and two wide indexes
-- (NOTES.md, "A narrower value row"). updated_at is not kept: nothing
-- read it, and the value's import run (run_id) says when it was written.
-- ind_revisions names the value by (series_id, period). ind_values
-- becomes a view of the old shape, for reading by hand. (The SQLite
-- variant copies tables; here they are altered.)
CREATE TABLE ind_series (
    id        {{ID}},
    country   TEXT NOT NULL,
    indicator TEXT NOT NULL,
    scope     TEXT NOT NULL DEFAULT '',
    source_id BIGINT NOT NULL,
    UNIQUE (country, indicator, scope, source_id)
);
CREATE INDEX ind_series_indicator ON ind_series(indicator, country);
INSERT INTO ind_series (country, indicator, scope, source_id)
    SELECT country, indicator, scope, source_id FROM ind_values
    GROUP BY country, indicator, scope, source_id ORDER BY MIN(id);
CREATE TABLE ind_points (
    series_id  BIGINT NOT NULL,
    -- '2014' calendar year, 'FY2014' US fiscal year, '2014-03' month.
    period     TEXT NOT NULL,
    value      {{FLOAT}},                     -- NULL only for text values
    value_text TEXT NOT NULL DEFAULT '',      -- the value as the source wrote it
    cite_url   TEXT NOT NULL DEFAULT '',      -- the page a compiled row cites
    note       TEXT NOT NULL DEFAULT '',
    run_id     BIGINT NOT NULL,               -- the import that wrote it last
    PRIMARY KEY (series_id, period)
);
INSERT INTO ind_points (series_id, period, value, value_text, cite_url, note, run_id)
    SELECT s.id, v.period, v.value, v.value_text, v.cite_url, v.note, v.run_id
    FROM ind_values v JOIN ind_series s ON s.country = v.country AND s.indicator = v.indicator
        AND s.scope = v.scope AND s.source_id = v.source_id;
ALTER TABLE ind_revisions ADD COLUMN series_id BIGINT, ADD COLUMN period TEXT;
UPDATE ind_revisions r SET series_id = s.id, period = v.period
    FROM ind_values v JOIN ind_series s ON s.country = v.country AND s.indicator = v.indicator
        AND s.scope = v.scope AND s.source_id = v.source_id
    WHERE v.id = r.value_id;
ALTER TABLE ind_revisions DROP COLUMN value_id,
    ALTER COLUMN series_id SET NOT NULL, ALTER COLUMN period SET NOT NULL;
CREATE INDEX ind_revisions_point ON ind_revisions(series_id, period);
DROP TABLE ind_values;
CREATE VIEW ind_values AS
    SELECT s.country, s.indicator, s.scope, p.period, p.value, p.value_text, s.source_id, p.cite_url, p.note, p.run_id
    FROM ind_points p JOIN ind_series s ON s.id = p.series_id;

-- +goose Down
-- Back to one row a value (00301's table); updated_at becomes the end of
-- the value's import run.
DROP VIEW ind_values;
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
INSERT INTO ind_values (country, indicator, scope, period, value, value_text, source_id, cite_url, note, run_id, updated_at)
    SELECT s.country, s.indicator, s.scope, p.period, p.value, p.value_text, s.source_id, p.cite_url, p.note, p.run_id,
        COALESCE((SELECT r.finished_at FROM ind_import_runs r WHERE r.id = p.run_id), '')
    FROM ind_points p JOIN ind_series s ON s.id = p.series_id ORDER BY s.id, p.period;
CREATE INDEX ind_values_indicator ON ind_values(indicator, country);
ALTER TABLE ind_revisions ADD COLUMN value_id BIGINT;
UPDATE ind_revisions r SET value_id = v.id
    FROM ind_series s JOIN ind_values v ON v.country = s.country AND v.indicator = s.indicator
        AND v.scope = s.scope AND v.source_id = s.source_id
    WHERE s.id = r.series_id AND v.period = r.period;
ALTER TABLE ind_revisions DROP COLUMN series_id, DROP COLUMN period,
    ALTER COLUMN value_id SET NOT NULL,
    ADD CONSTRAINT ind_revisions_value_id_fkey FOREIGN KEY (value_id) REFERENCES ind_values(id) ON DELETE CASCADE;
CREATE INDEX ind_revisions_value ON ind_revisions(value_id);
DROP TABLE ind_points;
DROP TABLE ind_series;
