package custody

import (
	"context"

	"github.com/amparo-project/amparo/internal/auth"
)

// CasePage is one page of a search, with the number of cases that match
// (Total; -1 when not counted).
type CasePage struct {
	Cases  []CaseSummary `json:"cases"`
	Total  int           `json:"total"`
	Offset int           `json:"offset"`
	Limit  int           `json:"limit"`
}

// ExportMax is the most cases one export holds: beyond it, narrow the
// search (a state, a facility) or page through the API.
const ExportMax = 10000

// MaxSearchOffset bounds paging: deeper pages are not a browsing need and
// make the database walk that many rows.
const MaxSearchOffset = 1_000_000

// SearchPage is Search with the total of matching cases, for paging
// (q.Offset, q.Limit).
func (s *Service) SearchPage(ctx context.Context, q SearchQuery) (*CasePage, error) {
	if q.Offset > MaxSearchOffset {
		q.Offset = MaxSearchOffset
	}
	return s.search(ctx, q, true, "case.search")
}

// Export is every case a search matches within the caller's scope, up to
// ExportMax (Total says how many matched), for the roles that may take
// case lists out of the system (auth.PermCaseExport). It is audited as
// an export, with the cases it holds.
func (s *Service) Export(ctx context.Context, q SearchQuery) (*CasePage, error) {
	if _, err := auth.Require(ctx, auth.PermCaseExport); err != nil {
		return nil, err
	}
	q.Offset, q.Limit = 0, ExportMax
	return s.run(ctx, q, true, "case.export")
}
