package legal

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// AgencyKinds are the receiving agencies of a repatriated child.
var AgencyKinds = []string{"consulate", "child_protection", "shelter"}

// Reintegration is a repatriated child's hand-off.
type Reintegration struct {
	CaseID          int64     `json:"case_id"`
	AgencyKind      string    `json:"agency_kind"`
	AgencyName      string    `json:"agency_name"`
	HandedOverOn    string    `json:"handed_over_on"` // YYYY-MM-DD
	ReceivedBy      string    `json:"received_by"`
	FollowUpContact string    `json:"followup_contact"` // "" when the agency offers none
	RecordedBy      string    `json:"recorded_by"`
	RecordedAt      time.Time `json:"recorded_at"`
}

// ReintegrationInput is the hand-off to record.
type ReintegrationInput struct {
	AgencyKind      string `json:"agency_kind"`
	AgencyName      string `json:"agency_name"`
	HandedOverOn    string `json:"handed_over_on"`
	ReceivedBy      string `json:"received_by"`
	FollowUpContact string `json:"followup_contact"`
}

func (in *ReintegrationInput) check(now time.Time) error {
	v := &errs.ValidationError{}
	if !slices.Contains(AgencyKinds, in.AgencyKind) {
		v.Add("agency_kind", "one of %s", strings.Join(AgencyKinds, ", "))
	}
	in.AgencyName, in.ReceivedBy, in.FollowUpContact = strings.TrimSpace(in.AgencyName), strings.TrimSpace(in.ReceivedBy), strings.TrimSpace(in.FollowUpContact)
	if in.AgencyName == "" {
		v.Add("agency_name", "required")
	}
	if in.ReceivedBy == "" {
		v.Add("received_by", "who received the child")
	}
	if d, err := time.Parse(time.DateOnly, strings.TrimSpace(in.HandedOverOn)); err != nil {
		v.Add("handed_over_on", "a date, YYYY-MM-DD")
	} else if d.After(now) {
		v.Add("handed_over_on", "not in the future")
	}
	return v.Err()
}

// RecordReintegration records (or corrects) a repatriated child's
// hand-off; 409 for a child who was not repatriated.
func (s *Service) RecordReintegration(ctx context.Context, caseID int64, in ReintegrationInput) (*Reintegration, error) {
	if _, err := auth.Require(ctx, auth.PermFollowUpRecord); err != nil {
		return nil, err
	}
	if err := in.check(s.now()); err != nil {
		return nil, err
	}
	var out *Reintegration
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.cases.InScope(ctx, caseID)
		if err != nil {
			return err
		}
		if c.State != custody.StateRepatriated {
			return errs.Conflict("case %d is %s: a reintegration hand-off is recorded for a repatriated child", caseID, c.State)
		}
		if _, err := s.db.Exec(ctx, `DELETE FROM legal_reintegrations WHERE case_id = ?`, caseID); err != nil {
			return err
		}
		now := s.now()
		if _, err := s.db.Exec(ctx, `INSERT INTO legal_reintegrations (case_id, agency_kind, agency_name, handed_over_on, received_by, followup_contact, recorded_by, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, caseID, in.AgencyKind, in.AgencyName, in.HandedOverOn, in.ReceivedBy, in.FollowUpContact, actorName(ctx), store.FormatTime(now)); err != nil {
			return err
		}
		if err := s.cases.AddEvent(ctx, caseID, custody.Event{Kind: "followup", Reason: fmt.Sprintf("handed over to %s (%s) on %s", in.AgencyName, in.AgencyKind, in.HandedOverOn)}); err != nil {
			return err
		}
		if out, err = s.loadReintegration(ctx, caseID); err != nil {
			return err
		}
		return audit.Log(ctx, s.db, audit.Event{Action: "legal.reintegration", ObjectType: "case", ObjectID: fmt.Sprint(caseID)})
	})
	if err != nil {
		return nil, fmt.Errorf("legal: reintegration of case %d: %w", caseID, err)
	}
	return out, nil
}

// ReintegrationOf reads a repatriated child's hand-off (404 when none is
// recorded or the case is out of scope).
func (s *Service) ReintegrationOf(ctx context.Context, caseID int64) (*Reintegration, error) {
	return readForCase(ctx, s, auth.PermFollowUpRead, caseID, "legal.reintegration.read", "reintegration", func(ctx context.Context, c *custody.Case) (*Reintegration, error) {
		return s.loadReintegration(ctx, caseID)
	})
}

func (s *Service) loadReintegration(ctx context.Context, caseID int64) (*Reintegration, error) {
	r := &Reintegration{CaseID: caseID}
	var at store.Time
	err := s.db.QueryRow(ctx, `SELECT agency_kind, agency_name, handed_over_on, received_by, followup_contact, recorded_by, recorded_at FROM legal_reintegrations WHERE case_id = ?`, caseID).
		Scan(&r.AgencyKind, &r.AgencyName, &r.HandedOverOn, &r.ReceivedBy, &r.FollowUpContact, &r.RecordedBy, &at)
	if store.IsNoRows(err) {
		return nil, errs.NotFound("reintegration of case", caseID)
	}
	r.RecordedAt = at.Time
	return r, err
}
