-- +goose Up

-- A relative (or a caseworker on their behalf) looking for a child. The
-- seeker_* columns say who is looking and how to reach them; the other
-- person columns describe the child sought, in the fields the tracing
-- engine compares (tracing.Record). Empty text is unknown.
CREATE TABLE tracing_requests (
    id                  {{ID}},
    status              TEXT NOT NULL DEFAULT 'open',
    seeker_given_names  TEXT NOT NULL DEFAULT '',
    seeker_surnames     TEXT NOT NULL DEFAULT '',
    seeker_relationship TEXT NOT NULL DEFAULT '',
    seeker_contact      TEXT NOT NULL DEFAULT '',
    seeker_language     TEXT NOT NULL DEFAULT '',
    given_names         TEXT NOT NULL DEFAULT '',
    surname1            TEXT NOT NULL DEFAULT '',
    surname2            TEXT NOT NULL DEFAULT '',
    sex                 TEXT NOT NULL DEFAULT '',
    birth_date          TEXT NOT NULL DEFAULT '',
    birth_country       TEXT NOT NULL DEFAULT '',
    birth_place         TEXT NOT NULL DEFAULT '',
    mother_name         TEXT NOT NULL DEFAULT '',
    father_name         TEXT NOT NULL DEFAULT '',
    notes               TEXT NOT NULL DEFAULT '',
    closed_reason       TEXT NOT NULL DEFAULT '',
    recorded_by         BIGINT,
    recorded_by_email   TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX tracing_requests_status ON tracing_requests(status, id);

-- A case the engine proposed for a request, with the weight each field
-- contributed (JSON list of {field, level, weight}) so that the person who
-- decides sees why. One row per request and case: a case found again (at
-- restart, or from both directions) keeps its first row and its decision.
CREATE TABLE tracing_candidates (
    id          {{ID}},
    request_id  BIGINT NOT NULL REFERENCES tracing_requests(id) ON DELETE CASCADE,
    case_id     BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    probability {{FLOAT}} NOT NULL,
    weight      {{FLOAT}} NOT NULL,
    explanation TEXT NOT NULL,
    found_by    TEXT NOT NULL,
    found_at    TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'proposed',
    decided_by  TEXT NOT NULL DEFAULT '',
    decided_at  TEXT,
    reason      TEXT NOT NULL DEFAULT '',
    UNIQUE (request_id, case_id)
);
CREATE INDEX tracing_candidates_case ON tracing_candidates(case_id);

-- A confirmed match: this relative is linked to this child's case. The
-- sponsor record, when one is made from the link, is the children domain's.
CREATE TABLE tracing_links (
    id           {{ID}},
    request_id   BIGINT NOT NULL REFERENCES tracing_requests(id) ON DELETE CASCADE,
    case_id      BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    candidate_id BIGINT NOT NULL REFERENCES tracing_candidates(id) ON DELETE CASCADE,
    sponsor_id   BIGINT REFERENCES sponsors(id) ON DELETE SET NULL,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (request_id, case_id)
);
CREATE INDEX tracing_links_case ON tracing_links(case_id);

-- +goose Down
DROP TABLE tracing_links;
DROP TABLE tracing_candidates;
DROP TABLE tracing_requests;
