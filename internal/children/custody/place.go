package custody

import (
	"context"
	"fmt"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// Place puts a referred child in a facility, or transfers a placed child to
// another, reserving a bed of the child's sex and age band
// (facilities.ReserveBed, which never exceeds the licensed capacity).
func (s *Service) Place(ctx context.Context, caseID, facilityID int64, reason string) (*Case, error) {
	if _, err := auth.Require(ctx, auth.PermCaseUpdate); err != nil {
		return nil, err
	}
	sc, err := s.ScopeFor(ctx)
	if err != nil {
		return nil, err
	}
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		c, err := s.caseInScope(ctx, caseID)
		if err != nil {
			return err
		}
		// A caseworker places a waiting child in one of their own
		// facilities: placing elsewhere would hand the child to staff
		// who did not take them, and out of the caseworker's sight.
		if c.State != StatePlaced && !sc.MayPlaceIn(facilityID) {
			return &errs.ValidationError{Problems: []errs.FieldError{{Field: "facility_id", Problem: "you can place a child only in a facility you are assigned to"}}}
		}
		now := s.now()
		band, err := placeable(c, facilityID, now)
		if err != nil {
			return err
		}
		if err := s.facilities.ReserveBed(ctx, facilityID, c.Sex, band); err != nil {
			return err
		}
		return s.recordPlacement(ctx, c, facilityID, band, reason, now)
	})
	if err != nil {
		return nil, err
	}
	return s.loadCase(ctx, caseID)
}

// placeable says whether c may go to facilityID now, and in which band of
// beds; the refusal says what to record first.
func placeable(c *Case, facilityID int64, now time.Time) (string, error) {
	transfer := c.State == StatePlaced
	if !transfer && c.State != StateReferred {
		return "", CheckMove(c.State, StatePlaced)
	}
	if transfer && c.FacilityID != nil && *c.FacilityID == facilityID {
		return "", errs.Conflict("the child is already in this facility")
	}
	if c.Sex == "" {
		return "", errs.Conflict("the child's sex is unknown: beds are licensed by sex, so record it before placement")
	}
	age := c.Age(now)
	band := facilities.BandFor(age)
	if band == "" {
		if age < 0 {
			return "", errs.Conflict("the birth date is unknown: record it (estimated, with evidence) before placement")
		}
		return "", errs.Conflict("the child is %d by the recorded birth date: not placeable in a children's facility", age)
	}
	return band, nil
}

// recordPlacement writes a placement whose bed is reserved: the stay, the
// case's new facility, the placement clocks (first placement only), the
// open deadlines following the child, the timeline and the audit row.
func (s *Service) recordPlacement(ctx context.Context, c *Case, facilityID int64, band, reason string, now time.Time) error {
	transfer := c.State == StatePlaced
	ts := store.FormatTime(now)
	if transfer {
		if err := s.endPlacement(ctx, c, now, "transfer"); err != nil {
			return err
		}
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO placements (case_id, facility_id, sex, age_band, start_at) VALUES (?, ?, ?, ?, ?)`,
		c.ID, facilityID, c.Sex, band, ts); err != nil {
		return fmt.Errorf("custody: place: %w", err)
	}
	if _, err := s.db.Exec(ctx, `UPDATE cases SET state = 'placed', facility_id = ?, bed_sex = ?, bed_age_band = ?,
		placed_at = COALESCE(placed_at, ?), updated_at = ? WHERE id = ?`, facilityID, c.Sex, band, ts, ts, c.ID); err != nil {
		return fmt.Errorf("custody: place: %w", err)
	}
	if !transfer {
		if err := s.startPlacementClocks(ctx, c, now); err != nil {
			return err
		}
	}
	// Open deadlines follow the child, so that the board counts them
	// against the facility that must act.
	if _, err := s.db.Exec(ctx, `UPDATE deadlines SET facility_id = ? WHERE case_id = ? AND resolved_at IS NULL`, facilityID, c.ID); err != nil {
		return fmt.Errorf("custody: placement deadlines: %w", err)
	}
	kind := "placement"
	if transfer {
		kind = "transfer"
	}
	if err := s.addEvent(ctx, c.ID, now, Event{Kind: kind, FromState: c.State, ToState: StatePlaced, Reason: reason, FacilityID: &facilityID}); err != nil {
		return err
	}
	return audit.Log(ctx, s.db, audit.Event{Action: "case." + kind, ObjectType: "case", ObjectID: fmt.Sprint(c.ID), Detail: fmt.Sprintf("facility %d", facilityID)})
}

// startPlacementClocks opens the clocks anchored at the first placement
// and meets those met by being placed.
func (s *Service) startPlacementClocks(ctx context.Context, c *Case, now time.Time) error {
	for _, k := range Clocks {
		if k.Anchor != AnchorPlacement || !k.Applies(c) {
			continue
		}
		if _, err := s.db.Exec(ctx, `INSERT INTO deadlines (case_id, kind, due_at) VALUES (?, ?, ?) ON CONFLICT (case_id, kind) DO NOTHING`,
			c.ID, string(k.Kind), store.FormatTime(k.DueAt(now))); err != nil {
			return fmt.Errorf("custody: placement deadlines: %w", err)
		}
	}
	for _, k := range Clocks {
		if k.MetByState == StatePlaced {
			if err := s.resolveOpen(ctx, c.ID, now, "met", k.Kind); err != nil {
				return err
			}
		}
	}
	return nil
}
