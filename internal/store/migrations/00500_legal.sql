-- +goose Up

-- One legal screening per child: the answers to the questionnaire (JSON
-- object question -> yes/no/unsure) and the relief flags they raised (JSON
-- list of {relief, because, note}), kept as computed when saved so that
-- what an attorney was told stays readable if the rules change.
-- first_flagged_at is when a flag was first raised: the queue's "waiting
-- since".
CREATE TABLE legal_screenings (
    case_id          BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    answers          TEXT NOT NULL,
    flags            TEXT NOT NULL,
    flagged          INTEGER NOT NULL DEFAULT 0,
    notes            TEXT NOT NULL DEFAULT '',
    screened_by      TEXT NOT NULL,
    screened_at      TEXT NOT NULL,
    first_flagged_at TEXT
);
CREATE INDEX legal_screenings_queue ON legal_screenings(flagged, first_flagged_at, case_id);

-- Pro bono legal service providers. Lists are comma-separated. reserved
-- is changed only by a guarded UPDATE (reserved < capacity), which keeps
-- concurrent referrals from ever oversubscribing a provider.
CREATE TABLE legal_providers (
    id           {{ID}},
    organisation TEXT NOT NULL UNIQUE,
    attorneys    TEXT NOT NULL DEFAULT '',
    languages    TEXT NOT NULL DEFAULT '',
    states       TEXT NOT NULL DEFAULT '',
    counties     TEXT NOT NULL DEFAULT '',
    specialties  TEXT NOT NULL DEFAULT '',
    capacity     INTEGER NOT NULL,
    reserved     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    CHECK (reserved >= 0 AND reserved <= capacity)
);

-- Which provider a `legal` account works for: it sees that
-- organisation's referrals and queue.
CREATE TABLE legal_provider_users (
    user_id     BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    provider_id BIGINT NOT NULL REFERENCES legal_providers(id) ON DELETE CASCADE
);

-- A child referred to a provider: pending until the provider accepts
-- (counsel) or declines (the slot is freed, the child back in the queue).
-- A child has at most one open (pending or accepted) referral.
CREATE TABLE legal_referrals (
    id             {{ID}},
    case_id        BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    provider_id    BIGINT NOT NULL REFERENCES legal_providers(id),
    status         TEXT NOT NULL DEFAULT 'pending',
    reasons        TEXT NOT NULL DEFAULT '',
    referred_by    TEXT NOT NULL,
    referred_at    TEXT NOT NULL,
    decided_by     TEXT NOT NULL DEFAULT '',
    decided_at     TEXT,
    decline_reason TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX legal_referrals_open ON legal_referrals(case_id) WHERE status IN ('pending', 'accepted');
CREATE INDEX legal_referrals_provider ON legal_referrals(provider_id, status, referred_at);

-- +goose Down
DROP TABLE legal_referrals;
DROP TABLE legal_provider_users;
DROP TABLE legal_providers;
DROP TABLE legal_screenings;
