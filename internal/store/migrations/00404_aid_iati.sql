-- +goose Up
-- IATI activity files imported (IATI activity XML 2.03). Each activity is
-- kept as read (comments and layout whitespace dropped), so that what
-- Amparo does not model, an unknown element or a transaction's sectors,
-- is written back on export and never silently dropped; the parts Amparo
-- reads (budgets, transactions, conditions, results) are also stored as
-- rows to be queried. Values are kept as the publisher wrote them (text):
-- a decimal such as 1000000.99 is not rounded, and a result value such as
-- "N=42;P=57" is valid IATI.
CREATE TABLE aid_iati_imports (
    id          {{ID}},
    file_name   TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    size        BIGINT NOT NULL,
    activities  INTEGER NOT NULL DEFAULT 0,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE aid_iati_activities (
    id               {{ID}},
    import_id        BIGINT NOT NULL REFERENCES aid_iati_imports(id),
    seq              INTEGER NOT NULL,          -- its place in the file
    line             INTEGER NOT NULL,          -- where it starts in the file
    identifier       TEXT NOT NULL,
    reporting_org    TEXT NOT NULL,
    title            TEXT NOT NULL,
    default_currency TEXT NOT NULL DEFAULT '',
    unmodelled       TEXT NOT NULL DEFAULT '',  -- elements Amparo does not read, kept in xml (comma-separated)
    xml              TEXT NOT NULL              -- the activity as read, written back on export
);
CREATE INDEX aid_iati_activities_identifier ON aid_iati_activities (identifier);

CREATE TABLE aid_iati_budgets (
    id           {{ID}},
    activity_id  BIGINT NOT NULL REFERENCES aid_iati_activities(id),
    btype        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT '',
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    value        TEXT NOT NULL,
    currency     TEXT NOT NULL DEFAULT '',
    value_date   TEXT NOT NULL
);
CREATE INDEX aid_iati_budgets_activity ON aid_iati_budgets (activity_id);

CREATE TABLE aid_iati_transactions (
    id          {{ID}},
    activity_id BIGINT NOT NULL REFERENCES aid_iati_activities(id),
    ref         TEXT NOT NULL DEFAULT '',
    ttype       TEXT NOT NULL,
    tdate       TEXT NOT NULL,
    value       TEXT NOT NULL,
    currency    TEXT NOT NULL DEFAULT '',
    value_date  TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);
CREATE INDEX aid_iati_transactions_activity ON aid_iati_transactions (activity_id);

CREATE TABLE aid_iati_conditions (
    id          {{ID}},
    activity_id BIGINT NOT NULL REFERENCES aid_iati_activities(id),
    attached    INTEGER NOT NULL,
    ctype       TEXT NOT NULL,
    narrative   TEXT NOT NULL
);
CREATE INDEX aid_iati_conditions_activity ON aid_iati_conditions (activity_id);

-- A result's indicators, one row each, with the result they belong to;
-- seq numbers the activity's indicators, and their periods name it (so
-- that both are written many rows to a statement).
CREATE TABLE aid_iati_indicators (
    id             {{ID}},
    activity_id    BIGINT NOT NULL REFERENCES aid_iati_activities(id),
    seq            INTEGER NOT NULL,
    result_seq     INTEGER NOT NULL,
    result_type    TEXT NOT NULL,
    result_title   TEXT NOT NULL,
    measure        TEXT NOT NULL,
    ascending      INTEGER,                     -- NULL when the file does not say
    title          TEXT NOT NULL,
    baseline_year  INTEGER,
    baseline_value TEXT
);
CREATE INDEX aid_iati_indicators_activity ON aid_iati_indicators (activity_id);

CREATE TABLE aid_iati_periods (
    id            {{ID}},
    activity_id   BIGINT NOT NULL REFERENCES aid_iati_activities(id),
    indicator_seq INTEGER NOT NULL,
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    target       TEXT,
    actual       TEXT
);
CREATE INDEX aid_iati_periods_activity ON aid_iati_periods (activity_id, indicator_seq);

-- +goose Down
DROP TABLE aid_iati_periods;
DROP TABLE aid_iati_indicators;
DROP TABLE aid_iati_conditions;
DROP TABLE aid_iati_transactions;
DROP TABLE aid_iati_budgets;
DROP TABLE aid_iati_activities;
DROP TABLE aid_iati_imports;
