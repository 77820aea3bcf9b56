package release

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/internal/conv"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Release is a request to release a child to a sponsor and its approval.
type Release struct {
	ID          int64      `json:"id"`
	CaseID      int64      `json:"case_id"`
	SponsorID   int64      `json:"sponsor_id"`
	RequestedBy int64      `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	ApprovedBy  *int64     `json:"approved_by"`
	ApprovedAt  *time.Time `json:"approved_at"`
	ReleasedAt  *time.Time `json:"released_at"`
	FollowUp30  *time.Time `json:"followup_30_at"`
	Status      string     `json:"status"` // requested, released
	// PostReleaseServices: the child receives post-release services (set
	// with SetPostReleaseServices); the legal domain calls more often.
	PostReleaseServices bool `json:"post_release_services"`
}

const releaseCols = `id, case_id, sponsor_id, requested_by, requested_at, approved_by, approved_at, released_at, followup_30_at, status, post_release_services`

func (s *Service) releases(ctx context.Context, caseID int64) ([]Release, error) {
	rows, err := s.db.Query(ctx, `SELECT `+releaseCols+` FROM releases WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, fmt.Errorf("release: releases: %w", err)
	}
	defer rows.Close()
	out := []Release{}
	for rows.Next() {
		r, err := scanRelease(rows)
		if err != nil {
			return nil, fmt.Errorf("release: releases: %w", err)
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

func scanRelease(sc interface{ Scan(...any) error }) (*Release, error) {
	var r Release
	var req, appr, rel, fu store.Time
	var by sql.NullInt64
	var prs int
	if err := sc.Scan(&r.ID, &r.CaseID, &r.SponsorID, &r.RequestedBy, &req, &by, &appr, &rel, &fu, &r.Status, &prs); err != nil {
		return nil, err
	}
	r.PostReleaseServices = prs != 0
	r.RequestedAt, r.ApprovedBy, r.ApprovedAt, r.ReleasedAt, r.FollowUp30 = req.Time, conv.PtrInt(by), conv.PtrTime(appr), conv.PtrTime(rel), conv.PtrTime(fu)
	return &r, nil
}

// RequestRelease asks for a placed child to be released to a sponsor. It
// is refused (409) while any required vetting step is not recorded as
// passed.
func (s *Service) RequestRelease(ctx context.Context, caseID, sponsorID int64) (*Release, error) {
	p, err := auth.Require(ctx, auth.PermCaseUpdate)
	if err != nil {
		return nil, err
	}
	var r Release
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.cases.InScope(ctx, caseID)
		if err != nil {
			return err
		}
		if err := custody.CheckMove(c.State, custody.StateReleased); err != nil {
			return err
		}
		cl, err := s.checklist(ctx, sponsorID)
		if err != nil {
			return err
		}
		if cl.Sponsor.CaseID != caseID {
			return &errs.ValidationError{Problems: []errs.FieldError{{Field: "sponsor_id", Problem: "the sponsor was proposed for another child"}}}
		}
		if len(cl.Missing) > 0 {
			return &MissingStepsError{Missing: cl.Missing}
		}
		var open int
		if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM releases WHERE case_id = ? AND status = 'requested'`, caseID).Scan(&open); err != nil {
			return fmt.Errorf("release: request release: %w", err)
		}
		if open > 0 {
			return &errs.ConflictError{Msg: "a release is already awaiting approval for this child"}
		}
		now := s.now()
		r = Release{CaseID: caseID, SponsorID: sponsorID, RequestedBy: p.UserID, RequestedAt: now, Status: "requested"}
		if err := s.db.QueryRow(ctx, `INSERT INTO releases (case_id, sponsor_id, requested_by, requested_at, status) VALUES (?, ?, ?, ?, 'requested') RETURNING id`,
			caseID, sponsorID, p.UserID, store.FormatTime(now)).Scan(&r.ID); err != nil {
			return fmt.Errorf("release: request release: %w", err)
		}
		if err := s.cases.AddEvent(ctx, caseID, custody.Event{Kind: "release.request", Reason: fmt.Sprintf("release %d to sponsor %d requested", r.ID, sponsorID)}); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "case.release.request", ObjectType: "case", ObjectID: fmt.Sprint(caseID), Detail: fmt.Sprintf("release %d sponsor %d", r.ID, sponsorID)})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// ApproveRelease is the second person's approval: it releases the child,
// frees the bed, closes the open clocks and schedules the first follow-up
// call. The vetting is checked again, in case a result changed since the
// request.
func (s *Service) ApproveRelease(ctx context.Context, caseID, releaseID int64) (*Release, error) {
	p, err := auth.Require(ctx, auth.PermCaseReleaseApprove)
	if err != nil {
		return nil, err
	}
	var r *Release
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		r, err = scanRelease(s.db.QueryRow(ctx, `SELECT `+releaseCols+` FROM releases WHERE id = ?`, releaseID))
		if store.IsNoRows(err) || (err == nil && r.CaseID != caseID) {
			return fmt.Errorf("release: release %d of case %d: %w", releaseID, caseID, errs.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("release: release %d: %w", releaseID, err)
		}
		c, err := s.cases.InScope(ctx, r.CaseID)
		if err != nil {
			return err
		}
		if r.Status != "requested" {
			return &errs.ConflictError{Msg: fmt.Sprintf("release %d is %s, not awaiting approval", releaseID, r.Status)}
		}
		if r.RequestedBy == p.UserID {
			return ErrSameApprover
		}
		if err := custody.CheckMove(c.State, custody.StateReleased); err != nil {
			return err
		}
		cl, err := s.checklist(ctx, r.SponsorID)
		if err != nil {
			return err
		}
		if len(cl.Missing) > 0 {
			return &MissingStepsError{Missing: cl.Missing}
		}
		now := s.now()
		fu := now.Add(FirstFollowUp)
		if err := s.cases.MarkReleased(ctx, c, fmt.Sprintf("released to sponsor %d; first follow-up call due %s", r.SponsorID, fu.Format(time.DateOnly))); err != nil {
			return err
		}
		if _, err := s.db.Exec(ctx, `UPDATE releases SET approved_by = ?, approved_at = ?, released_at = ?, followup_30_at = ?, status = 'released' WHERE id = ?`,
			p.UserID, store.FormatTime(now), store.FormatTime(now), store.FormatTime(fu), releaseID); err != nil {
			return fmt.Errorf("release: release: %w", err)
		}
		r.ApprovedBy, r.ApprovedAt, r.ReleasedAt, r.FollowUp30, r.Status = &p.UserID, &now, &now, &fu, "released"
		if err := s.released(ctx, *r); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "case.release.approve", ObjectType: "case", ObjectID: fmt.Sprint(c.ID), Detail: fmt.Sprintf("release %d sponsor %d", releaseID, r.SponsorID)})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
