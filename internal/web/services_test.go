package web

import (
	"testing"

	"github.com/amparo-project/amparo/internal/indicators"
	"github.com/amparo-project/amparo/internal/store"
)

// testServices builds every domain's service on db as cmd/amparo serve
// does; the test's Server takes them over and its cleanup stops them.
func testServices(t *testing.T, db *store.DB) Services {
	t.Helper()
	return Services{Indicators: indicators.New(db)}
}
