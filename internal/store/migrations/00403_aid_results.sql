-- +goose Up
-- A program's results framework (IATI's results model): indicators with a
-- baseline, and per period a target and the actual reached, each actual
-- with its source.
CREATE TABLE aid_results (
    id             {{ID}},
    program_id     BIGINT NOT NULL REFERENCES aid_programs(id),
    title          TEXT NOT NULL,
    measure        TEXT NOT NULL,               -- unit, percentage
    ascending      INTEGER NOT NULL,            -- 1: higher is better
    series_code    TEXT NOT NULL DEFAULT '',    -- an indicators series it is read from, if any
    baseline_year  INTEGER,
    baseline_value {{FLOAT}},
    citation       TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE aid_result_periods (
    id              {{ID}},
    result_id       BIGINT NOT NULL REFERENCES aid_results(id),
    period          TEXT NOT NULL,             -- 2016, FY2016
    target          {{FLOAT}},
    actual          {{FLOAT}},
    actual_citation TEXT NOT NULL DEFAULT ''
);
