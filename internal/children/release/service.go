// Package release is how a child leaves custody to a sponsor: sponsors and
// their households, the vetting each sponsor needs (rules.go), and the
// release itself, requested by one person and approved by a second.
package release

import (
	"context"
	"time"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/store"
)

// Service is the only way into sponsors and releases.
type Service struct {
	db    *store.DB
	now   func() time.Time
	cases *custody.Service
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
