// Package legal is legal services for children in custody and after:
// the screening questionnaire and the relief flags it raises (rules.go),
// pro bono providers, referrals that reserve a provider's capacity, the
// matching of providers to a child (rank.go), and the queue of flagged
// children without counsel.
//
// It reaches children only through the children domain's exported API
// (custody, release): the case, its scope, its legal-screening clock.
package legal

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/store"
)

// Service is the only way into the legal domain.
type Service struct {
	db      *store.DB
	now     func() time.Time
	cases   *custody.Service
	release *release.Service
	courts  []Court // the immigration courts (data/immigration_courts.csv)
}

// New returns the service on db over the children domain's cases and
// releases, using clock (time.Now when nil). It puts the hearings of
// children without counsel on the cases' deadline board, and schedules
// the follow-up calls when a release is approved.
func New(db *store.DB, cases *custody.Service, rel *release.Service, clock func() time.Time) *Service {
	if clock == nil {
		clock = time.Now
	}
	s := &Service{db: db, cases: cases, release: rel, courts: shippedCourts(), now: func() time.Time { return clock().UTC() }}
	cases.AddBoardSource(s.boardHearings)
	rel.OnRelease(s.scheduleFollowUps)
	rel.OnServices(s.addServiceCalls)
	return s
}

// actorName is how records name who acted.
func actorName(ctx context.Context) string { return audit.ActorFrom(ctx).Email }

// splitList reads a comma-separated column.
func splitList(s string) []string {
	out := []string{}
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// cleanList trims a list and drops empty and repeated entries.
func cleanList(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v == "" || seen[strings.ToLower(v)] {
			continue
		}
		seen[strings.ToLower(v)] = true
		out = append(out, v)
	}
	return out
}

func timePtr(t store.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := t.Time
	return &v
}

// readForCase is every read of a record attached to a case: the
// permission, the case in the caller's scope (404 otherwise, so that ids
// outside it stay unknown), the load, and the audit row of the read, in
// one transaction; errors are wrapped once, naming what was read.
func readForCase[T any](ctx context.Context, s *Service, perm auth.Permission, caseID int64, action, what string,
	load func(ctx context.Context, c *custody.Case) (T, error)) (T, error) {
	var out T
	if _, err := auth.Require(ctx, perm); err != nil {
		return out, err
	}
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.cases.InScope(ctx, caseID)
		if err != nil {
			return err
		}
		if out, err = load(ctx, c); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: action, ObjectType: "case", ObjectID: fmt.Sprint(caseID)})
	})
	if err != nil {
		var zero T
		return zero, fmt.Errorf("legal: %s of case %d: %w", what, caseID, err)
	}
	return out, nil
}
