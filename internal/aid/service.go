// Package aid holds aid accountable for the root causes: packages and the
// programs they fund, tranches held until conditions are met, conditions
// as checkable rules over public indicators (internal/indicators) and
// facts on record, evaluations as of a date with every input frozen, and
// release or withholding decisions made by two people.
//
// Aid records are public: reads need no permission (the scorecard answers
// anonymous readers); changes require auth.PermAidManage.
package aid

import (
	"context"
	"fmt"
	"time"

	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store"
)

// Service is the aid domain.
type Service struct {
	db  *store.DB
	ind *indicators.Service
	now func() time.Time
}

// New returns the aid service on db, reading indicators through ind. A nil
// now means time.Now.
func New(db *store.DB, ind *indicators.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, ind: ind, now: now}
}

// rowByID reads the row of table whose id is id with scan; no such row is
// errs.NotFound, named "aid: <what>" (the package, tranche, decision and
// evidence loads were this skeleton four times).
// exists is errs.NotFound when table has no row id: a list under an
// unknown package, program or tranche is a 404, not an empty list.
func exists(ctx context.Context, db *store.DB, what, table string, id int64) error {
	_, err := rowByID(ctx, db, what, table, "id", id, func(r interface{ Scan(...any) error }) (int64, error) {
		var v int64
		return v, r.Scan(&v)
	})
	return err
}

func rowByID[T any](ctx context.Context, db *store.DB, what, table, cols string, id int64, scan func(interface{ Scan(...any) error }) (T, error)) (T, error) {
	v, err := scan(db.QueryRow(ctx, `SELECT `+cols+` FROM `+table+` WHERE id = ?`, id))
	if store.IsNoRows(err) {
		var zero T
		return zero, errs.NotFound("aid: "+what, id)
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("aid: %s %d: %w", what, id, err)
	}
	return v, nil
}
