-- +goose Up

-- The queue and its chart join each flagged child to its pending and its
-- accepted referral (r.case_id = ? AND r.status = ?). The partial unique
-- index legal_referrals_open cannot serve that join on SQLite (its
-- planner does not prove status = 'pending' implies the index's IN list),
-- so every screening scanned all referrals: 100,000 cases made the queue
-- take seconds (internal/legal/NOTES.md, benchmarks).
CREATE INDEX legal_referrals_case ON legal_referrals(case_id, status);

-- +goose Down
DROP INDEX legal_referrals_case;
