package web

import (
	"context"
	"testing"

	"github.com/amparo-project/amparo/internal/aid"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/legal"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/tracing/requests"
)

// testServices builds every domain's service on db as cmd/amparo serve
// does; the test's Server takes them over and its cleanup stops them.
func testServices(t testing.TB, db *store.DB) Services {
	t.Helper()
	fac := facilities.New(db, nil)
	cases := custody.New(db, fac, nil)
	rel := release.New(db, cases, nil)
	ind := indicators.New(db)
	return Services{
		Custody:    cases,
		Facilities: fac,
		Release:    rel,
		Indicators: ind,
		Aid:        aid.New(db, ind, nil),
		Legal:      legal.New(db, cases, rel, nil),
		Tracing: requests.Start(context.Background(), db, requests.RunnerOptions{
			MatcherOptions: requests.MatcherOptions{Logger: discardLogger(), Cases: cases},
			Release:        rel,
		}),
	}
}
