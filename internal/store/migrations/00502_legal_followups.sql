-- +goose Up

-- Follow-up calls after release: the schedule made when a release is
-- approved (release.Service.OnRelease), each call's attempts, and each
-- child's contact status. kind names a row of legal.FollowUpSchedule.
CREATE TABLE legal_followups (
    id          {{ID}},
    case_id     BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    release_id  BIGINT NOT NULL,
    released_at TEXT NOT NULL,
    kind        TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    done_at     TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (release_id, kind)
);
CREATE INDEX legal_followups_case ON legal_followups(case_id, due_at);

-- outcome: reached, concern (reached, with a concern: escalated),
-- not_reached, wrong_contact (a wrong number or address).
CREATE TABLE legal_followup_attempts (
    id               {{ID}},
    case_id          BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    followup_id      BIGINT REFERENCES legal_followups(id),
    at               TEXT NOT NULL,
    by_actor         TEXT NOT NULL,
    outcome          TEXT NOT NULL,
    safe             INTEGER,
    in_school        INTEGER,
    knows_court_date INTEGER,
    notes            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX legal_followup_attempts_case ON legal_followup_attempts(case_id, id);

-- A child's contact after release: failures counts not-reached attempts
-- since the child was last reached; lost_at is set while contact is lost.
CREATE TABLE legal_contacts (
    case_id     BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    released_at TEXT NOT NULL,
    failures    INTEGER NOT NULL DEFAULT 0,
    lost_at     TEXT,
    lost_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX legal_contacts_lost ON legal_contacts(lost_at);

-- A concern raised on a call: a task for a supervisor, due by due_at.
CREATE TABLE legal_escalations (
    id         {{ID}},
    case_id    BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    attempt_id BIGINT NOT NULL REFERENCES legal_followup_attempts(id),
    reason     TEXT NOT NULL,
    due_at     TEXT NOT NULL,
    closed_at  TEXT,
    closed_by  TEXT NOT NULL DEFAULT '',
    close_note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX legal_escalations_open ON legal_escalations(closed_at, due_at);

-- +goose Down
DROP TABLE legal_escalations;
DROP TABLE legal_contacts;
DROP TABLE legal_followup_attempts;
DROP TABLE legal_followups;
