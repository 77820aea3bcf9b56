// Package custody is a child's case: intake, identity corrections, the
// custody states, the legal clocks and their deadlines, the board, search,
// placement in a facility's bed, CSV import, public counts, and scope
// (who sees which case).
//
// The rules people must be able to read and audit are tables in their own
// files: transitions (states.go), legal clocks (clocks.go) and the
// placement ranking (rank.go).
package custody

import (
	"context"
	"sync"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/store"
)

// Service is the only way into cases, from the web, the command line and
// other domains. Every method that reads a child's record checks the
// caller's scope and writes an audit row in the same transaction.
type Service struct {
	db         *store.DB
	now        func() time.Time
	facilities *facilities.Service

	mu           sync.RWMutex
	hooks        []func(context.Context, Change)
	boardSources []BoardSource
	sponsorState func(ctx context.Context, caseID int64) (string, error)
}

// New returns the service on db, placing children in fac's beds, using
// clock (time.Now when nil; tests and the demo move it).
func New(db *store.DB, fac *facilities.Service, clock func() time.Time) *Service {
	if clock == nil {
		clock = time.Now
	}
	return &Service{db: db, facilities: fac, now: func() time.Time { return clock().UTC() }}
}

// Facilities is the facilities service the cases are placed with.
func (s *Service) Facilities() *facilities.Service { return s.facilities }

// UseSponsorState gives the placement ranking the US state of a case's
// latest proposed sponsor. Sponsors are the release package's, which
// depends on this one: it hands its reader over when it is built.
func (s *Service) UseSponsorState(f func(ctx context.Context, caseID int64) (string, error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sponsorState = f
}

// actorName is how the timeline names who acted.
func actorName(ctx context.Context) string { return audit.ActorFrom(ctx).Email }
