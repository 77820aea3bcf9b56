-- +goose Up

-- Facilities that hold children after border custody. Coordinates are the
-- facility's own (for the distance to a sponsor); tz is an IANA zone, the
-- zone every time on the facility's pages is shown in.
CREATE TABLE facilities (
    id         {{ID}},
    name       TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    city       TEXT NOT NULL DEFAULT '',
    us_state   TEXT NOT NULL DEFAULT '',
    lat        {{FLOAT}},
    lon        {{FLOAT}},
    tz         TEXT NOT NULL,
    languages  TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'open',
    created_at TEXT NOT NULL
);

-- Licensed beds by sex and age band. occupied is changed only by a single
-- guarded UPDATE (occupied < capacity), which is what keeps concurrent
-- placements from ever exceeding capacity on either engine.
CREATE TABLE facility_beds (
    facility_id BIGINT NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
    sex         TEXT NOT NULL,
    age_band    TEXT NOT NULL,
    capacity    INTEGER NOT NULL,
    occupied    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (facility_id, sex, age_band),
    CHECK (occupied >= 0 AND occupied <= capacity)
);

-- Which facilities a caseworker (or legal provider) works in: their scope.
CREATE TABLE user_facilities (
    user_id     BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    facility_id BIGINT NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, facility_id)
);
CREATE INDEX user_facilities_facility ON user_facilities(facility_id);

-- One row per child. Unknown values are NULL (or '' for free text), never
-- a guess. The key_* columns hold the accent-folded, lower-case names that
-- search uses as index range scans.
CREATE TABLE cases (
    id                  {{ID}},
    state               TEXT NOT NULL,
    given_names         TEXT NOT NULL DEFAULT '',
    surname1            TEXT NOT NULL DEFAULT '',
    surname2            TEXT NOT NULL DEFAULT '',
    aka                 TEXT NOT NULL DEFAULT '',
    sex                 TEXT,
    birth_date          TEXT,
    birth_date_estimated INTEGER NOT NULL DEFAULT 0,
    birth_date_evidence TEXT NOT NULL DEFAULT '',
    birth_country       TEXT NOT NULL DEFAULT '',
    nationality         TEXT NOT NULL DEFAULT '',
    languages           TEXT NOT NULL DEFAULT '',
    interpreter_needed  INTEGER,
    encounter_place     TEXT NOT NULL DEFAULT '',
    encountered_at      TEXT NOT NULL,
    separated           INTEGER,
    parent_details      TEXT NOT NULL DEFAULT '',
    medical_flags       TEXT NOT NULL DEFAULT '',
    notes               TEXT NOT NULL DEFAULT '',
    trafficking_victim  INTEGER NOT NULL DEFAULT 0,
    disability_special_needs INTEGER NOT NULL DEFAULT 0,
    abuse_sponsor_may_not_protect INTEGER NOT NULL DEFAULT 0,
    facility_id         BIGINT REFERENCES facilities(id),
    bed_sex             TEXT,
    bed_age_band        TEXT,
    placed_at           TEXT,
    closed_reason       TEXT NOT NULL DEFAULT '',
    created_by          BIGINT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    key_given           TEXT NOT NULL DEFAULT '',
    key_surname1        TEXT NOT NULL DEFAULT '',
    key_surname2        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cases_state ON cases(state);
CREATE INDEX cases_facility ON cases(facility_id, state);
CREATE INDEX cases_created_by ON cases(created_by, state);
CREATE INDEX cases_key_surname1 ON cases(key_surname1);
CREATE INDEX cases_key_surname2 ON cases(key_surname2);
CREATE INDEX cases_key_given ON cases(key_given);
CREATE INDEX cases_encountered ON cases(encountered_at);

-- Siblings are links between cases, stored once per direction.
CREATE TABLE case_siblings (
    case_id    BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    sibling_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    PRIMARY KEY (case_id, sibling_id)
);
CREATE INDEX case_siblings_sibling ON case_siblings(sibling_id);

-- The timeline: every transition and every recorded act, who, when, why.
CREATE TABLE case_events (
    id         {{ID}},
    case_id    BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    kind       TEXT NOT NULL,
    from_state TEXT NOT NULL DEFAULT '',
    to_state   TEXT NOT NULL DEFAULT '',
    reason     TEXT NOT NULL DEFAULT '',
    facility_id BIGINT
);
CREATE INDEX case_events_case ON case_events(case_id, id);

-- Legal clocks as stored instants, so that the board is an index range
-- scan on open deadlines, not a computation over every case.
CREATE TABLE deadlines (
    id          {{ID}},
    case_id     BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    resolved_at TEXT,
    resolution  TEXT NOT NULL DEFAULT '',
    resolved_by TEXT NOT NULL DEFAULT '',
    facility_id BIGINT,
    UNIQUE (case_id, kind)
);
CREATE INDEX deadlines_open ON deadlines(due_at) WHERE resolved_at IS NULL;
CREATE INDEX deadlines_open_facility ON deadlines(facility_id, due_at) WHERE resolved_at IS NULL;

-- Placement history: a transfer ends one row and starts another.
CREATE TABLE placements (
    id          {{ID}},
    case_id     BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    facility_id BIGINT NOT NULL REFERENCES facilities(id),
    sex         TEXT NOT NULL,
    age_band    TEXT NOT NULL,
    start_at    TEXT NOT NULL,
    end_at      TEXT,
    end_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX placements_case ON placements(case_id, id);
CREATE INDEX placements_facility_start ON placements(facility_id, start_at);
CREATE INDEX placements_start ON placements(start_at);

-- Sponsors proposed for a child. The category is derived from the
-- relationship (children.CategoryOf) and stored for queries.
CREATE TABLE sponsors (
    id            {{ID}},
    case_id       BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    given_names   TEXT NOT NULL DEFAULT '',
    surnames      TEXT NOT NULL DEFAULT '',
    birth_date    TEXT,
    id_document   TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    address       TEXT NOT NULL DEFAULT '',
    city          TEXT NOT NULL DEFAULT '',
    us_state      TEXT NOT NULL DEFAULT '',
    relationship  TEXT NOT NULL,
    category      TEXT NOT NULL,
    sponsor_risk  INTEGER NOT NULL DEFAULT 0,
    concern_flagged INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX sponsors_case ON sponsors(case_id);

CREATE TABLE sponsor_household (
    id           {{ID}},
    sponsor_id   BIGINT NOT NULL REFERENCES sponsors(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    relationship TEXT NOT NULL DEFAULT '',
    birth_date   TEXT
);
CREATE INDEX sponsor_household_sponsor ON sponsor_household(sponsor_id);

-- Vetting results: the latest row per (sponsor, step) counts.
CREATE TABLE vetting_checks (
    id          {{ID}},
    sponsor_id  BIGINT NOT NULL REFERENCES sponsors(id) ON DELETE CASCADE,
    step        TEXT NOT NULL,
    result      TEXT NOT NULL,
    notes       TEXT NOT NULL DEFAULT '',
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX vetting_checks_sponsor ON vetting_checks(sponsor_id, step, id);

-- A release is requested by one person and approved by another.
CREATE TABLE releases (
    id            {{ID}},
    case_id       BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    sponsor_id    BIGINT NOT NULL REFERENCES sponsors(id),
    requested_by  BIGINT NOT NULL,
    requested_at  TEXT NOT NULL,
    approved_by   BIGINT,
    approved_at   TEXT,
    released_at   TEXT,
    followup_30_at TEXT,
    status        TEXT NOT NULL
);
CREATE INDEX releases_case ON releases(case_id, id);

-- +goose Down
DROP TABLE releases;
DROP TABLE vetting_checks;
DROP TABLE sponsor_household;
DROP TABLE sponsors;
DROP TABLE placements;
DROP TABLE deadlines;
DROP TABLE case_events;
DROP TABLE case_siblings;
DROP TABLE cases;
DROP TABLE user_facilities;
DROP TABLE facility_beds;
DROP TABLE facilities;
