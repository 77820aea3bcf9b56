// Package release is how a child leaves custody to a sponsor: sponsors and
// their households, the vetting each sponsor needs (rules.go), and the
// release itself, requested by one person and approved by a second.
package release

import (
	"context"
	"sync"
	"time"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/store"
)

// Service is the only way into sponsors and releases.
type Service struct {
	db    *store.DB
	now   func() time.Time
	cases *custody.Service

	mu         sync.RWMutex
	onReleased []func(context.Context, Release) error
	onServices []func(context.Context, Release) error
}

// OnRelease registers f, called when a release is approved, inside the
// approving transaction: what f writes (the legal domain's follow-up
// schedule) commits with the release or not at all, and f's error refuses
// the release. f acts as the approver and may write only its own domain's
// rows.
func (s *Service) OnRelease(f func(ctx context.Context, r Release) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onReleased = append(s.onReleased, f)
}

func (s *Service) released(ctx context.Context, r Release) error {
	s.mu.RLock()
	hooks := s.onReleased
	s.mu.RUnlock()
	for _, f := range hooks {
		if err := f(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// New returns the service on db over cases, using clock (time.Now when
// nil). It gives cases the sponsors' states for the placement ranking.
func New(db *store.DB, cases *custody.Service, clock func() time.Time) *Service {
	if clock == nil {
		clock = time.Now
	}
	s := &Service{db: db, cases: cases, now: func() time.Time { return clock().UTC() }}
	cases.UseSponsorState(s.sponsorState)
	return s
}

// sponsorState is the US state of the case's latest proposed sponsor with
// a known state, "" when none.
func (s *Service) sponsorState(ctx context.Context, caseID int64) (string, error) {
	var st string
	err := s.db.QueryRow(ctx, `SELECT us_state FROM sponsors WHERE case_id = ? AND us_state <> '' ORDER BY id DESC LIMIT 1`, caseID).Scan(&st)
	if store.IsNoRows(err) {
		return "", nil
	}
	return st, err
}

// SponsorState is the US state of the latest proposed sponsor (with a
// known state) of a case in the caller's scope, "" when none: for the
// legal domain's matching of counsel near where the child will live.
func (s *Service) SponsorState(ctx context.Context, caseID int64) (string, error) {
	if _, err := s.cases.InScope(ctx, caseID); err != nil {
		return "", err
	}
	return s.sponsorState(ctx, caseID)
}
