package release

import (
	"context"
	"fmt"

	"github.com/amparo-project/amparo/internal/children/custody"
)

// CaseView is everything the case page shows: the case with its
// timeline, deadlines and placements (custody), and its sponsors and
// releases. In JSON the fields are flat, as one object.
type CaseView struct {
	*custody.CaseView
	Sponsors []*Sponsor `json:"sponsors"`
	Releases []Release  `json:"releases"`
}

// CaseView reads a case (custody.GetCase: scope-checked and audited) with
// its sponsors and releases, in one transaction.
func (s *Service) CaseView(ctx context.Context, id int64) (*CaseView, error) {
	var v CaseView
	var err error
	// Not one transaction: the case read is scope-checked and audited by
	// custody, which queries outside the write gate; wrapping it here would
	// make every case page wait behind writers (internal/loadtest/NOTES.md).
	if v.CaseView, err = s.cases.GetCase(ctx, id); err == nil {
		err = s.db.Read(ctx, func(ctx context.Context) error {
			var err error
			if v.Sponsors, err = s.sponsorsOf(ctx, id); err != nil {
				return err
			}
			v.Releases, err = s.releases(ctx, id)
			return err
		})
	}
	if err != nil {
		return nil, fmt.Errorf("release: case %d: %w", id, err)
	}
	return &v, nil
}
