package legal

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/store"
)

// QueueEntry is one flagged child without counsel.
type QueueEntry struct {
	CaseID      int64          `json:"case_id"`
	Case        *custody.Brief `json:"case"` // null when the viewer's case scope leaves the child out
	Reliefs     []Relief       `json:"reliefs"`
	WaitingFrom time.Time      `json:"waiting_since"`
	DaysWaiting int            `json:"days_waiting"`
	// Pending is the referral awaiting a provider's answer, if any.
	PendingReferral *int64 `json:"pending_referral_id"`
	PendingWith     string `json:"pending_with"`
}

// QueueQuery bounds the queue.
type QueueQuery struct {
	Limit int
}

// MaxQueue is the most entries one answer gives.
const MaxQueue = 500

// Queue lists the flagged children without counsel (no accepted
// referral), longest waiting first, with the days waiting since a flag
// was first raised. A `legal` account sees only the children referred to
// its own organisation and awaiting its answer; others see the children
// in their case scope.
func (s *Service) Queue(ctx context.Context, q QueueQuery) ([]QueueEntry, error) {
	p, err := auth.Require(ctx, auth.PermLegalQueue)
	if err != nil {
		return nil, err
	}
	if q.Limit <= 0 || q.Limit > MaxQueue {
		q.Limit = MaxQueue
	}
	sc, err := s.cases.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	var out []QueueEntry
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if out, err = s.queueBy(ctx, p, q.Limit); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.queue.read", ObjectType: "legal_queue", ObjectID: "queue", Detail: fmt.Sprintf("%d children", len(out))})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: queue: %w", err)
	}
	if sc.None && p.Role != auth.RoleLegal {
		return out, nil
	}
	return s.withBriefs(ctx, out)
}

const queueSelect = `SELECT s.case_id, s.first_flagged_at, s.flags, r.id, p.organisation
	FROM legal_screenings s
	LEFT JOIN legal_referrals r ON r.case_id = s.case_id AND r.status = 'pending'
	LEFT JOIN legal_providers p ON p.id = r.provider_id
	WHERE s.flagged = 1 AND s.counsel_at IS NULL`

// The queue is the flagged children without an accepted referral:
// counsel_at, written with the acceptance in the same transaction
// (decide; migration 00506 filled it for older acceptances), says so on
// the screening itself, so that the queue walks one index
// (legal_screenings_waiting, migration 00508) in waiting order without a
// look-up of the referrals of each child it passes.

// queueBy reads the queue with the scope as an SQL condition: a legal
// account's organisation, or the case scope (custody's Scope.SQL) as a
// filter on the flagged children walked longest waiting first, stopped at
// the limit. Filtering batches through custody's Briefs instead cost half
// a caseworker's queue at 100,000 cases (NOTES.md, benchmarks).
func (s *Service) queueBy(ctx context.Context, p auth.Principal, limit int) ([]QueueEntry, error) {
	cond, args, err := s.queueScope(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.queueRows(ctx, queueSelect+` AND `+cond+` ORDER BY s.first_flagged_at, s.case_id LIMIT ?`, append(args, limit))
}

func (s *Service) queueRows(ctx context.Context, q string, args []any) ([]QueueEntry, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.now()
	out := []QueueEntry{}
	for rows.Next() {
		var e QueueEntry
		var first store.Time
		var flags string
		var rid *int64
		var org *string
		if err := rows.Scan(&e.CaseID, &first, &flags, &rid, &org); err != nil {
			return nil, err
		}
		var fs []Flag
		if err := json.Unmarshal([]byte(flags), &fs); err != nil {
			return nil, err
		}
		e.Reliefs = []Relief{}
		for _, f := range fs {
			e.Reliefs = append(e.Reliefs, f.Relief)
		}
		e.WaitingFrom, e.DaysWaiting, e.PendingReferral = first.Time, int(now.Sub(first.Time)/(24*time.Hour)), rid
		if org != nil {
			e.PendingWith = *org
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// queueScope is the queue's condition on legal_screenings (alias s).
func (s *Service) queueScope(ctx context.Context, p auth.Principal) (string, []any, error) {
	if p.Role == auth.RoleLegal {
		own, err := s.providerOf(ctx, p.UserID)
		if err != nil || own == 0 {
			return "1=0", nil, err
		}
		return "r.provider_id = ?", []any{own}, nil
	}
	sc, err := s.cases.ScopeFor(ctx)
	if err != nil {
		return "", nil, err
	}
	// "+": the scope is a filter, not the way in. Without it the planner
	// walks every case of the caseworker's facilities and sorts them
	// (200 ms at 100,000 cases); with it, it walks the flagged children
	// longest waiting first and stops at the limit (NOTES.md, benchmarks).
	cond, args := sc.SQL("+s.case_id")
	return cond, args, nil
}

// withBriefs adds what the viewer may see of each child (custody.Briefs
// applies the case scope and audits the read).
func (s *Service) withBriefs(ctx context.Context, es []QueueEntry) ([]QueueEntry, error) {
	if len(es) == 0 {
		return es, nil
	}
	ids := make([]int64, len(es))
	for i, e := range es {
		ids[i] = e.CaseID
	}
	bs, err := s.cases.Briefs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("legal: queue: %w", err)
	}
	for i := range es {
		if b, ok := bs[es[i].CaseID]; ok {
			es[i].Case = &b
		}
	}
	return es, nil
}
