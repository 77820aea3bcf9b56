-- +goose Up
-- Evidence on aid conditions: documents and statements submitted by aid
-- officers or civil-society organisations (counter-evidence included),
-- each accepted or rejected, with a reason, by someone other than its
-- submitter. Documents are stored with their SHA-256 and the content type
-- read from their bytes, not their name.
CREATE TABLE aid_evidence (
    id             {{ID}},
    country        TEXT NOT NULL,
    condition_id   BIGINT REFERENCES aid_conditions(id),
    stance         TEXT NOT NULL,               -- supports, contradicts
    title          TEXT NOT NULL,
    summary        TEXT NOT NULL,
    source_url     TEXT NOT NULL DEFAULT '',
    doc_name       TEXT NOT NULL DEFAULT '',
    doc_type       TEXT NOT NULL DEFAULT '',
    doc_size       BIGINT NOT NULL DEFAULT 0,
    doc_sha256     TEXT NOT NULL DEFAULT '',
    doc            {{BLOB}},
    submitted_by   BIGINT NOT NULL,
    submitter      TEXT NOT NULL,               -- the submitter's email, shown to reviewers only
    submitter_role TEXT NOT NULL,
    submitted_at   TEXT NOT NULL,
    status         TEXT NOT NULL,               -- submitted, accepted, rejected
    reviewed_by    BIGINT,
    reviewed_at    TEXT,
    review_reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX aid_evidence_country ON aid_evidence (country, status);
