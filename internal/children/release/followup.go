package release

import (
	"context"
	"fmt"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/internal/conv"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// What the follow-up after release needs of the release domain: whether a
// release includes post-release services, and the sponsor category and
// services of released children, for the lost-contact board's counts.

// ReleaseFacts is what the follow-up after release knows of a released
// child's (latest approved) release.
type ReleaseFacts struct {
	CaseID              int64     `json:"case_id"`
	ReleaseID           int64     `json:"release_id"`
	SponsorID           int64     `json:"sponsor_id"`
	SponsorCategory     Category  `json:"sponsor_category"`
	PostReleaseServices bool      `json:"post_release_services"`
	ReleasedAt          time.Time `json:"released_at"`
}

// ReleaseFactsOf returns, for the released cases among ids that the
// caller's scope includes, the facts of each case's latest approved
// release; the others are left out, as if they did not exist. The read is
// audited with the number of cases it returned.
func (s *Service) ReleaseFactsOf(ctx context.Context, ids []int64) (map[int64]ReleaseFacts, error) {
	sc, err := s.cases.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	out := map[int64]ReleaseFacts{}
	if sc.None || len(ids) == 0 {
		return out, nil
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		if !sc.All {
			// The scope through custody's Briefs (by primary key) rather
			// than an SQL condition that lists every case of the caller's
			// facilities on each chunk.
			bs, err := s.cases.Briefs(ctx, ids)
			if err != nil {
				return err
			}
			seen := make([]int64, 0, len(bs))
			for _, id := range ids {
				if _, ok := bs[id]; ok {
					seen = append(seen, id)
				}
			}
			ids, sc = seen, custody.Scope{All: true}
		}
		const chunk = 500
		for start := 0; start < len(ids); start += chunk {
			if err := s.releaseFacts(ctx, sc, ids[start:min(start+chunk, len(ids))], out); err != nil {
				return err
			}
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "release.facts.read", ObjectType: "releases", ObjectID: "followup", Detail: fmt.Sprintf("%d cases", len(out))})
	})
	if err != nil {
		return nil, fmt.Errorf("release: release facts: %w", err)
	}
	return out, nil
}

func (s *Service) releaseFacts(ctx context.Context, sc custody.Scope, ids []int64, out map[int64]ReleaseFacts) error {
	args := make([]any, 0, len(ids)+4)
	marks := make([]byte, 0, 2*len(ids))
	for i, id := range ids {
		if i > 0 {
			marks = append(marks, ',')
		}
		marks = append(marks, '?')
		args = append(args, id)
	}
	cond, sargs := sc.SQL("r.case_id")
	args = append(args, sargs...)
	// Ordered by id: the latest release of a case comes last and wins.
	rows, err := s.db.Query(ctx, `SELECT r.case_id, r.id, r.sponsor_id, sp.category, r.post_release_services, r.released_at
		FROM releases r JOIN sponsors sp ON sp.id = r.sponsor_id
		WHERE r.status = 'released' AND r.case_id IN (`+string(marks)+`) AND `+cond+` ORDER BY r.case_id, r.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var f ReleaseFacts
		var prs int
		var at store.Time
		if err := rows.Scan(&f.CaseID, &f.ReleaseID, &f.SponsorID, &f.SponsorCategory, &prs, &at); err != nil {
			return err
		}
		f.PostReleaseServices, f.ReleasedAt = prs != 0, at.Time
		out[f.CaseID] = f
	}
	return rows.Err()
}

// MaxReleased bounds Released.
const MaxReleased = 100000

// Released returns the facts of the latest approved release of every
// released child in the caller's scope (at most MaxReleased), oldest
// release first: for scheduling the follow-up of releases recorded
// without the approval hook (bulk loads, the demo seeder). The read is
// audited.
func (s *Service) Released(ctx context.Context) ([]ReleaseFacts, error) {
	sc, err := s.cases.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	out := []ReleaseFacts{}
	if sc.None {
		return out, nil
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		cond, args := sc.SQL("r.case_id")
		rows, err := s.db.Query(ctx, `SELECT r.case_id, r.id, r.sponsor_id, sp.category, r.post_release_services, r.released_at
			FROM releases r JOIN sponsors sp ON sp.id = r.sponsor_id
			WHERE r.status = 'released' AND `+cond+` ORDER BY r.released_at, r.id LIMIT ?`, append(args, MaxReleased)...)
		if err != nil {
			return err
		}
		latest := map[int64]int{}
		for rows.Next() {
			var f ReleaseFacts
			var prs int
			var at store.Time
			if err := rows.Scan(&f.CaseID, &f.ReleaseID, &f.SponsorID, &f.SponsorCategory, &prs, &at); err != nil {
				rows.Close()
				return err
			}
			f.PostReleaseServices, f.ReleasedAt = prs != 0, at.Time
			if i, ok := latest[f.CaseID]; ok {
				out[i] = f // a later release of the same child
				continue
			}
			latest[f.CaseID] = len(out)
			out = append(out, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "release.facts.read", ObjectType: "releases", ObjectID: "released", Detail: fmt.Sprintf("%d cases", len(out))})
	})
	if err != nil {
		return nil, fmt.Errorf("release: released children: %w", err)
	}
	return out, nil
}

// OnServices registers f, called inside the transaction that records
// post-release services for a child already released (SetPostReleaseServices):
// the legal domain adds the calls of its schedule for such children. f's
// error refuses the change.
func (s *Service) OnServices(f func(ctx context.Context, r Release) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onServices = append(s.onServices, f)
}

// ServicesInput says whether a release includes post-release services.
type ServicesInput struct {
	PostReleaseServices *bool `json:"post_release_services"`
}

// SetPostReleaseServices records whether a child's release includes
// post-release services. While the release awaits approval either answer
// may be recorded; once the child is released, services may be added (the
// follow-up calls they bring are scheduled at once) but not taken away
// (409): the calls already scheduled stay, and an end of services is for
// the follow-up notes.
func (s *Service) SetPostReleaseServices(ctx context.Context, caseID, releaseID int64, in ServicesInput) (*Release, error) {
	if _, err := auth.Require(ctx, auth.PermCaseUpdate); err != nil {
		return nil, err
	}
	if in.PostReleaseServices == nil {
		return nil, &errs.ValidationError{Problems: []errs.FieldError{{Field: "post_release_services", Problem: "say yes (true) or no (false)"}}}
	}
	on := *in.PostReleaseServices
	var r *Release
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		if _, err := s.cases.InScope(ctx, caseID); err != nil {
			return err
		}
		var err error
		r, err = scanRelease(s.db.QueryRow(ctx, `SELECT `+releaseCols+` FROM releases WHERE id = ?`, releaseID))
		if store.IsNoRows(err) || (err == nil && r.CaseID != caseID) {
			return fmt.Errorf("release %d of case %d: %w", releaseID, caseID, errs.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if r.PostReleaseServices == on {
			return nil
		}
		if r.Status == "released" && !on {
			return &errs.ConflictError{Msg: "the child is released with post-release services: the calls they brought are scheduled and stay"}
		}
		if _, err := s.db.Exec(ctx, `UPDATE releases SET post_release_services = ? WHERE id = ?`, conv.B2I(on), releaseID); err != nil {
			return err
		}
		r.PostReleaseServices = on
		if r.Status == "released" {
			if err := s.servicesAdded(ctx, *r); err != nil {
				return err
			}
		}
		what := "without"
		if on {
			what = "with"
		}
		if err := s.cases.AddEvent(ctx, caseID, custody.Event{Kind: "release.services", Reason: fmt.Sprintf("release %d %s post-release services", releaseID, what)}); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "case.release.services", ObjectType: "case", ObjectID: fmt.Sprint(caseID), Detail: fmt.Sprintf("release %d post_release_services=%t", releaseID, on)})
	})
	if err != nil {
		return nil, fmt.Errorf("release: post-release services of release %d: %w", releaseID, err)
	}
	return r, nil
}

func (s *Service) servicesAdded(ctx context.Context, r Release) error {
	s.mu.RLock()
	hooks := s.onServices
	s.mu.RUnlock()
	for _, f := range hooks {
		if err := f(ctx, r); err != nil {
			return err
		}
	}
	return nil
}
