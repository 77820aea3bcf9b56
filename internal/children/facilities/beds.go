package facilities

import (
	"context"
	"fmt"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// ErrNoBed: no free bed of the child's sex and age band (409).
var ErrNoBed = fmt.Errorf("no free bed for the child's sex and age band in this facility: %w", errs.ErrConflict)

// ReserveBed takes one bed of sex and band in an open facility, for a
// placement custody records in the same transaction. The bed is taken by
// one guarded UPDATE, so concurrent placements never exceed the licensed
// capacity on either engine.
func (s *Service) ReserveBed(ctx context.Context, facilityID int64, sex, band string) error {
	if _, err := auth.Require(ctx, auth.PermCaseUpdate); err != nil {
		return err
	}
	var status string
	if err := s.db.QueryRow(ctx, `SELECT status FROM facilities WHERE id = ?`, facilityID).Scan(&status); err != nil {
		if store.IsNoRows(err) {
			return &errs.ValidationError{Problems: []errs.FieldError{{Field: "facility_id", Problem: fmt.Sprintf("facility %d does not exist", facilityID)}}}
		}
		return fmt.Errorf("facilities: reserve bed: %w", err)
	}
	if status != "open" {
		return errs.Conflict("the facility is not open")
	}
	res, err := s.db.Exec(ctx, `UPDATE facility_beds SET occupied = occupied + 1 WHERE facility_id = ? AND sex = ? AND age_band = ? AND occupied < capacity`,
		facilityID, sex, band)
	if err != nil {
		return fmt.Errorf("facilities: reserve bed: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("facilities: reserve bed: %w", err)
	} else if n != 1 {
		return ErrNoBed
	}
	return nil
}

// FreeBed gives back a bed taken by ReserveBed (a release, a transfer, a
// case closed). The approver of a release (a supervisor, who does no
// other casework) frees the bed the child leaves.
func (s *Service) FreeBed(ctx context.Context, facilityID int64, sex, band string) error {
	if _, err := auth.Require(ctx, auth.PermCaseUpdate); err != nil {
		if _, err2 := auth.Require(ctx, auth.PermCaseReleaseApprove); err2 != nil {
			return err
		}
	}
	if _, err := s.db.Exec(ctx, `UPDATE facility_beds SET occupied = occupied - 1 WHERE facility_id = ? AND sex = ? AND age_band = ? AND occupied > 0`,
		facilityID, sex, band); err != nil {
		return fmt.Errorf("facilities: free bed: %w", err)
	}
	return nil
}
