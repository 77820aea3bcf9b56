-- +goose Up

-- Casework on a case: notes, tasks with a due date and an assignee, and
-- documents. Documents are kept with their SHA-256 and the content type
-- read from their bytes, not their name.
CREATE TABLE case_notes (
    id         {{ID}},
    case_id    BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    body       TEXT NOT NULL,
    author     TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX case_notes_case ON case_notes(case_id, id);

CREATE TABLE case_tasks (
    id          {{ID}},
    case_id     BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    due_on      TEXT,
    assignee_id BIGINT,
    assignee    TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    done_at     TEXT,
    done_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_tasks_case ON case_tasks(case_id, id);
CREATE INDEX case_tasks_assignee ON case_tasks(assignee_id, done_at);

CREATE TABLE case_documents (
    id           {{ID}},
    case_id      BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         {{BLOB}} NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  TEXT NOT NULL
);
CREATE INDEX case_documents_case ON case_documents(case_id, id);

-- +goose Down
DROP TABLE case_documents;
DROP TABLE case_tasks;
DROP TABLE case_notes;
