package custody

import (
	"context"
	"fmt"
	"slices"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/errs"
)

// Recommend ranks facilities for a child (an audited read of the case).
func (s *Service) Recommend(ctx context.Context, caseID int64) ([]Recommendation, error) {
	if _, err := auth.Require(ctx, auth.PermCaseUpdate); err != nil {
		return nil, err
	}
	sc, err := s.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	var out []Recommendation
	// The reads run outside any transaction, as GetCase's do, so that a
	// recommendation does not queue at SQLite's write gate behind every
	// writer; Place checks capacity and scope again when it writes, so
	// reads that are not one snapshot cannot place a child wrongly. Only
	// the audit row takes the gate, before anything is returned.
	err = s.db.Read(ctx, func(ctx context.Context) error {
		c, err := s.caseInScope(ctx, caseID)
		if err != nil {
			return err
		}
		if c.Sex == "" {
			return &errs.ConflictError{Msg: "the child's sex is unknown: beds are licensed by sex, so record it before placement"}
		}
		age := c.Age(s.now())
		band := facilities.BandFor(age)
		if band == "" {
			return &errs.ConflictError{Msg: "the child's age is unknown or 18 and over: record the birth date (estimated, with evidence) first"}
		}
		facs, err := s.facilities.Facilities(ctx)
		if err != nil {
			return err
		}
		// Place offers only what it accepts: a waiting child goes to one
		// of the caller's own facilities (a transfer may go anywhere).
		if c.State != StatePlaced {
			facs = slices.DeleteFunc(facs, func(f *facilities.Facility) bool { return !sc.MayPlaceIn(f.ID) })
		}
		siblingsAt, err := s.siblingFacilities(ctx, caseID)
		if err != nil {
			return err
		}
		sponsorState, err := s.sponsorStateOf(ctx, caseID)
		if err != nil {
			return err
		}
		out = Rank(c, age, facs, siblingsAt, sponsorState)
		return nil
	})
	if err == nil {
		err = audit.Log(ctx, s.db, audit.Event{Action: "case.recommend", ObjectType: "case", ObjectID: fmt.Sprint(caseID), Detail: fmt.Sprintf("%d candidates", len(out))})
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) siblingFacilities(ctx context.Context, caseID int64) (map[int64]int, error) {
	rows, err := s.db.Query(ctx, `SELECT c.facility_id FROM case_siblings cs JOIN cases c ON c.id = cs.sibling_id
		WHERE cs.case_id = ? AND c.state = 'placed' AND c.facility_id IS NOT NULL`, caseID)
	if err != nil {
		return nil, fmt.Errorf("custody: sibling facilities: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("custody: sibling facilities: %w", err)
		}
		out[id]++
	}
	return out, rows.Err()
}

// sponsorStateOf is the US state of the case's latest proposed sponsor
// with a known state, "" when none (or no sponsor reader was given).
func (s *Service) sponsorStateOf(ctx context.Context, caseID int64) (string, error) {
	s.mu.RLock()
	f := s.sponsorState
	s.mu.RUnlock()
	if f == nil {
		return "", nil
	}
	return f(ctx, caseID)
}
