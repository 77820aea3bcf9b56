package custody

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// Issue 15: a few hundred words made PostgreSQL plan for minutes and SQLite
// answer 500; a search over the bounds is refused (q), not truncated.
func TestSearchBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		f.child(admin, Intake{Person: identity.Person{GivenNames: "Ana María Luisa", Surname1: "García"}})
		for _, tc := range []struct {
			q    string
			fail bool
		}{
			{"ana garcia", false},
			{strings.Repeat("a ", SearchMaxWords), false},
			{"  " + strings.Repeat("ñ", SearchMaxChars) + "  ", false},
			{strings.Repeat("a ", SearchMaxWords+1), true},
			{strings.Repeat("ab ", 400), true},
			{strings.Repeat("x", SearchMaxChars+1), true},
			{"ana\x00", true},        // PostgreSQL refuses NUL: was a 500
			{"gar\xc0\xaecia", true}, // not UTF-8
		} {
			start := time.Now()
			_, err := f.s.Search(admin, SearchQuery{Q: tc.q})
			if !tc.fail {
				if err != nil {
					t.Errorf("search %.20q…: %v", tc.q, err)
				}
				continue
			}
			fields := errs.Fields(err)
			if !errs.IsValidation(err) || len(fields) != 1 || fields[0].Field != "q" {
				t.Errorf("search of %d bytes: want a validation error on q, got %v", len(tc.q), err)
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("refusing took %s", d)
			}
		}
	})
}

// A request whose client has gone cancels its query: Search passes its
// context down to QueryContext.
func TestSearchCancelled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		ctx, cancel := context.WithCancel(admin)
		cancel()
		start := time.Now()
		_, err := f.s.Search(ctx, SearchQuery{Q: "ana garcia lopez"})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled search: %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("cancelled search took %s", d)
		}
	})
}
