package custody

import (
	"errors"
	"slices"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func TestSearchPageAndExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		cw, _ := f.user("cw@example.org", auth.RoleCaseworker)
		sup, _ := f.user("sup@example.org", auth.RoleSupervisor)
		var ids []int64
		for _, name := range []string{"Ana", "Eva", "Rut", "Luz", "Sol"} {
			ids = append(ids, f.child(admin, Intake{Person: identity.Person{GivenNames: name, Surname1: "Tiul"}}).ID)
		}
		slices.Reverse(ids) // newest first
		tests := []struct {
			offset, limit int
			want          []int64
		}{
			{0, 2, ids[:2]},
			{2, 2, ids[2:4]},
			{4, 2, ids[4:]},
			{6, 2, nil},
			{-3, 2, ids[:2]}, // a negative offset is the first page
		}
		for _, tt := range tests {
			pg, err := f.s.SearchPage(admin, SearchQuery{Offset: tt.offset, Limit: tt.limit})
			if err != nil {
				t.Fatal(err)
			}
			got := []int64{}
			for _, c := range pg.Cases {
				got = append(got, c.ID)
			}
			if pg.Total != 5 || !slices.Equal(got, append([]int64{}, tt.want...)) {
				t.Errorf("offset %d: total %d cases %v, want 5 %v", tt.offset, pg.Total, got, tt.want)
			}
		}
		pg, err := f.s.SearchPage(admin, SearchQuery{Q: "eva", Limit: 1})
		if err != nil || pg.Total != 1 || len(pg.Cases) != 1 {
			t.Errorf("filtered page: %+v %v", pg, err)
		}

		if _, err := f.s.Export(cw, SearchQuery{}); !errors.Is(err, errs.ErrForbidden) {
			t.Errorf("caseworker export: %v", err)
		}
		ex, err := f.s.Export(admin, SearchQuery{})
		if err != nil || len(ex.Cases) != 5 || ex.Total != 5 {
			t.Fatalf("admin export: %+v %v", ex, err)
		}
		if n := auditCount(t, db, "case.export", "search"); n != 1 {
			t.Errorf("exports audited %d times, want 1", n)
		}
		// A supervisor in no facility exports nothing: the scope holds.
		if ex, err := f.s.Export(sup, SearchQuery{}); err != nil || len(ex.Cases) != 0 {
			t.Errorf("supervisor in no facility: %+v %v", ex, err)
		}
	})
}
