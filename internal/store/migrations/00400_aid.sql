-- +goose Up
-- Aid accountability: packages (appropriations or pledges), the programs
-- they fund, tranches held until conditions are met, the conditions
-- (legal wording and, where one can be written, a machine rule over public
-- indicators), facts on record (institutional facts, certifications),
-- evaluations with the frozen inputs they used, and four-eyes decisions.
-- Amounts are whole units of the package's currency; a figure the public
-- record does not state is NULL, never a guess. Dates are YYYY-MM-DD.

CREATE TABLE aid_packages (
    id           {{ID}},
    title        TEXT NOT NULL,
    donor        TEXT NOT NULL,
    recipient    TEXT NOT NULL,               -- ISO 3166 alpha-3
    fiscal_year  INTEGER NOT NULL,
    amount       BIGINT,                      -- NULL when the public record states none
    currency     TEXT NOT NULL,
    legal_basis  TEXT NOT NULL,               -- e.g. "P.L. 114-113, Div. K, sec. 7045(a)"
    citation     TEXT NOT NULL,               -- where the figure and basis are published
    citation_url TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE aid_programs (
    id                 {{ID}},
    package_id         BIGINT NOT NULL REFERENCES aid_packages(id),
    title              TEXT NOT NULL,
    sector             TEXT NOT NULL,
    partner            TEXT NOT NULL,
    amount             BIGINT NOT NULL,
    intervention_model TEXT NOT NULL DEFAULT '',
    evidence_rating    TEXT NOT NULL DEFAULT '',  -- '' when no clearinghouse has rated the model
    evidence_url       TEXT NOT NULL DEFAULT '',
    citation           TEXT NOT NULL,
    created_at         TEXT NOT NULL
);

CREATE TABLE aid_tranches (
    id          {{ID}},
    package_id  BIGINT NOT NULL REFERENCES aid_packages(id),
    program_id  BIGINT REFERENCES aid_programs(id),
    label       TEXT NOT NULL,
    amount      BIGINT,                       -- NULL when the public record states none
    due_date    TEXT NOT NULL,
    state       TEXT NOT NULL,                -- pending, releasable, released, withheld, lapsed
    combination TEXT NOT NULL,                -- all, any, at_least_n
    at_least_n  INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL
);

CREATE TABLE aid_conditions (
    id         {{ID}},
    tranche_id BIGINT NOT NULL REFERENCES aid_tranches(id),
    ref        TEXT NOT NULL DEFAULT '',      -- the paragraph in the legal text, e.g. "7045(a)(3)(B)"
    wording    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    rule       TEXT NOT NULL DEFAULT '',      -- CEL expression; '' when no machine rule can be written
    hard       INTEGER NOT NULL DEFAULT 0,    -- 1: a hard hurdle, must be met whatever else is
    citation   TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

-- Facts on record that rules read with fact("key"): an institution
-- operating, a certification made, an assessment's finding.
CREATE TABLE aid_facts (
    id           {{ID}},
    country      TEXT NOT NULL,
    fkey         TEXT NOT NULL,
    holds        INTEGER NOT NULL,
    valid_from   TEXT NOT NULL,
    valid_to     TEXT NOT NULL DEFAULT '',    -- '' while it still holds
    citation     TEXT NOT NULL,
    citation_url TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX aid_facts_key ON aid_facts (country, fkey);

CREATE TABLE aid_evaluations (
    id           {{ID}},
    tranche_id   BIGINT NOT NULL REFERENCES aid_tranches(id),
    as_of        TEXT NOT NULL,
    outcome      TEXT NOT NULL,               -- met, not_met, insufficient_evidence
    hard_failed  INTEGER NOT NULL,
    explanation  TEXT NOT NULL,
    evaluated_by TEXT NOT NULL,
    evaluated_at TEXT NOT NULL
);

-- One row per condition evaluated: the rule as it was, the result, and
-- every input used (JSON), so that the evaluation can be replayed.
CREATE TABLE aid_evaluation_results (
    id            {{ID}},
    evaluation_id BIGINT NOT NULL REFERENCES aid_evaluations(id),
    condition_id  BIGINT NOT NULL REFERENCES aid_conditions(id),
    rule          TEXT NOT NULL,
    hard          INTEGER NOT NULL,
    status        TEXT NOT NULL,
    explanation   TEXT NOT NULL,
    inputs        TEXT NOT NULL
);

CREATE TABLE aid_decisions (
    id            {{ID}},
    tranche_id    BIGINT NOT NULL REFERENCES aid_tranches(id),
    evaluation_id BIGINT NOT NULL REFERENCES aid_evaluations(id),
    action        TEXT NOT NULL,              -- release, withhold
    reason        TEXT NOT NULL,
    status        TEXT NOT NULL,              -- proposed, approved
    proposed_by   BIGINT NOT NULL,
    proposed_at   TEXT NOT NULL,
    approved_by   BIGINT,
    approved_at   TEXT
);
