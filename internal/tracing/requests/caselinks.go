package requests

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// CaseLink is one relative tracing has tied to a case: a confirmed link,
// or a match proposed and not yet decided.
type CaseLink struct {
	RequestID   int64           `json:"request_id"`
	CandidateID int64           `json:"candidate_id"`
	LinkID      int64           `json:"link_id,omitempty"` // confirmed only
	Status      CandidateStatus `json:"status"`            // confirmed or proposed
	// The relative: the seeker of the request.
	GivenNames   string               `json:"given_names"`
	Surnames     string               `json:"surnames"`
	Relationship release.Relationship `json:"relationship"`
	Probability  float64              `json:"probability"`
	// SponsorID is set once the link was made into a sponsor record.
	SponsorID *int64 `json:"sponsor_id"`
	// When the match was confirmed (confirmed) or found (proposed).
	At time.Time `json:"at"`
	By string    `json:"by,omitempty"` // who confirmed it
}

// CaseLinks is what tracing holds about one case: the relatives linked to
// it and the matches waiting for a decision.
type CaseLinks struct {
	CaseID    int64      `json:"case_id"`
	Confirmed []CaseLink `json:"confirmed"`
	Pending   []CaseLink `json:"pending"`
}

// CaseLinks returns the confirmed links of case caseID, with each
// relative's name and relationship, and the proposed matches of requests
// still open. The case must be in the caller's scope (otherwise it is not
// found). The read is audited with the counts, never the names.
func (s *Service) CaseLinks(ctx context.Context, caseID int64) (*CaseLinks, error) {
	if _, err := require(ctx, auth.PermTracingRequest); err != nil {
		return nil, err
	}
	out := &CaseLinks{CaseID: caseID, Confirmed: []CaseLink{}, Pending: []CaseLink{}}
	err := s.DB.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.Cases.InScope(ctx, caseID); err != nil {
			return err
		}
		rows, err := s.DB.Query(ctx, `SELECT c.request_id, c.id, COALESCE(l.id, 0), c.status, r.seeker_given_names, r.seeker_surnames,
			r.seeker_relationship, c.probability, l.sponsor_id, COALESCE(l.created_at, c.found_at), COALESCE(l.created_by, '')
			FROM tracing_candidates c
			JOIN tracing_requests r ON r.id = c.request_id
			LEFT JOIN tracing_links l ON l.candidate_id = c.id
			WHERE c.case_id = ? AND (c.status = ? OR (c.status = ? AND r.status <> ?))
			ORDER BY c.probability DESC, c.id`,
			caseID, string(CandidateConfirmed), string(CandidateProposed), string(StatusClosed))
		if err != nil {
			return fmt.Errorf("tracing: case links: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var cl CaseLink
			var sp *int64
			var at store.Time
			if err := rows.Scan(&cl.RequestID, &cl.CandidateID, &cl.LinkID, &cl.Status, &cl.GivenNames, &cl.Surnames,
				&cl.Relationship, &cl.Probability, &sp, &at, &cl.By); err != nil {
				return fmt.Errorf("tracing: case links: %w", err)
			}
			cl.SponsorID, cl.At = sp, at.Time
			if cl.Status == CandidateConfirmed {
				out.Confirmed = append(out.Confirmed, cl)
			} else {
				out.Pending = append(out.Pending, cl)
			}
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("tracing: case links: %w", err)
		}
		rows.Close()
		return audit.Log(ctx, s.DB, audit.Event{Action: "tracing.case_links", ObjectType: "case", ObjectID: strconv.FormatInt(caseID, 10),
			Detail: fmt.Sprintf("%d confirmed, %d pending", len(out.Confirmed), len(out.Pending))})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CaseEndedError refuses to make a sponsor record for a case that has
// left custody (released, repatriated, aged out, closed): there is no
// release left to vet the sponsor for. It is a conflict (409).
type CaseEndedError struct {
	CaseID int64
	State  custody.State
}

func (e *CaseEndedError) Error() string {
	return fmt.Sprintf("case %d is %s: a sponsor record is not made for a child who has left custody", e.CaseID, e.State)
}

// Unwrap makes the refusal an errs.ErrConflict.
func (e *CaseEndedError) Unwrap() error { return errs.ErrConflict }

// caseEnded is the refusal for a case in state st, nil while the child
// is in custody.
func caseEnded(caseID int64, st custody.State) error {
	if st.Terminal() {
		return &CaseEndedError{CaseID: caseID, State: st}
	}
	return nil
}

// ReleasedTo is the sponsor case caseID was released to, nil when the
// child has not been released. It is for the warning shown before a
// match is confirmed for a child already in someone's care; it reads the
// case through the children domain's case view (scope-checked and
// audited there).
func (s *Service) ReleasedTo(ctx context.Context, caseID int64) (*release.Sponsor, error) {
	if _, err := require(ctx, auth.PermTracingDecide); err != nil {
		return nil, err
	}
	v, err := s.Release.CaseView(ctx, caseID)
	if err != nil {
		return nil, err
	}
	for i := len(v.Releases) - 1; i >= 0; i-- {
		r := v.Releases[i]
		if r.Status != "released" {
			continue
		}
		for _, sp := range v.Sponsors {
			if sp.ID == r.SponsorID {
				return sp, nil
			}
		}
	}
	return nil, nil
}
