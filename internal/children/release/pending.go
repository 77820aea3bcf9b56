package release

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/errs"
)

// Pending is a release awaiting its second person, with what the approver
// must see before approving: the child, the sponsor by name and category,
// and each required vetting step with its latest result and who recorded
// it.
type Pending struct {
	Release      Release       `json:"release"`
	ChildName    string        `json:"child_name"`
	ChildState   custody.State `json:"child_state"`
	FacilityName string        `json:"facility_name"`
	FacilityTZ   string        `json:"facility_tz"`
	Sponsor      *Sponsor      `json:"sponsor"`
	Steps        []PendingStep `json:"steps"`
	Missing      []Step        `json:"missing"`
	Household    int           `json:"household_members"`
	Facts        VettingFacts  `json:"facts"`
	RequestedAt  time.Time     `json:"requested_at"`
	// RequestedByCaller is true for the caller's own request, which they
	// cannot approve (the two-person rule): the queue shows it without an
	// Approve button.
	RequestedByCaller bool `json:"requested_by_caller"`
}

// PendingStep is one required vetting step and its latest result (nil
// when none is recorded).
type PendingStep struct {
	Step    Step     `json:"step"`
	Reasons []string `json:"reasons"`
	Check   *Check   `json:"check"`
}

// PendingReleases lists the releases awaiting a second person among the
// cases the caller sees, oldest request first: the approver's queue. The
// read is audited with the cases it shows.
func (s *Service) PendingReleases(ctx context.Context) ([]Pending, error) {
	p, err := auth.Require(ctx, auth.PermCaseReleaseApprove)
	if err != nil {
		return nil, err
	}
	out := []Pending{}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		sc, err := s.cases.ScopeFor(ctx)
		if err != nil {
			return err
		}
		cond, args := sc.SQL("r.case_id")
		rows, err := s.db.Query(ctx, `SELECT r.id, r.case_id, r.sponsor_id, r.requested_by, r.requested_at, r.approved_by, r.approved_at, r.released_at, r.followup_30_at, r.status, r.post_release_services
			FROM releases r WHERE r.status = 'requested' AND `+cond+` ORDER BY r.requested_at, r.id LIMIT 500`, args...)
		if err != nil {
			return fmt.Errorf("release: pending: %w", err)
		}
		var rels []Release
		for rows.Next() {
			r, err := scanRelease(rows)
			if err != nil {
				rows.Close()
				return fmt.Errorf("release: pending: %w", err)
			}
			rels = append(rels, *r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("release: pending: %w", err)
		}
		ids := make([]string, 0, len(rels))
		for _, r := range rels {
			it, err := s.pendingItem(ctx, r, p.UserID)
			if err != nil {
				return err
			}
			out = append(out, *it)
			ids = append(ids, fmt.Sprint(r.CaseID))
		}
		if len(ids) == 0 {
			return nil
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "case.release.queue", ObjectType: "case", ObjectID: strings.Join(ids, ","), Detail: fmt.Sprintf("%d releases awaiting approval", len(ids))})
	})
	if err != nil {
		return nil, fmt.Errorf("release: pending: %w", err)
	}
	return out, nil
}

// PendingRelease is one release of the queue, for the confirmation step;
// a release that is not awaiting approval, or whose child the caller does
// not see, is not found.
func (s *Service) PendingRelease(ctx context.Context, releaseID int64) (*Pending, error) {
	all, err := s.PendingReleases(ctx)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].Release.ID == releaseID {
			return &all[i], nil
		}
	}
	return nil, fmt.Errorf("release: pending release %d: %w", releaseID, errs.ErrNotFound)
}

func (s *Service) pendingItem(ctx context.Context, r Release, caller int64) (*Pending, error) {
	cl, err := s.checklist(ctx, r.SponsorID)
	if err != nil {
		return nil, err
	}
	c, err := s.cases.InScope(ctx, r.CaseID)
	if err != nil {
		return nil, err
	}
	it := &Pending{Release: r, ChildName: c.DisplayName(), ChildState: c.State, FacilityName: c.FacilityName, FacilityTZ: c.FacilityTZ,
		Sponsor: cl.Sponsor, Missing: cl.Missing, Household: len(cl.Sponsor.Household), Facts: cl.Facts,
		RequestedAt: r.RequestedAt, RequestedByCaller: r.RequestedBy == caller, Steps: []PendingStep{}}
	if it.Missing == nil {
		it.Missing = []Step{}
	}
	for _, req := range cl.Required {
		st := PendingStep{Step: req.Step, Reasons: req.Reasons}
		if ch, ok := cl.Results[req.Step]; ok {
			st.Check = &ch
		}
		it.Steps = append(it.Steps, st)
	}
	return it, nil
}
