package custody

import (
	"errors"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func ptr[T any](v T) *T { return &v }

func TestUpdateIdentity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		admin, _ := f.user("admin@example.org", auth.RoleAdmin)
		intake, _ := f.user("intake@example.org", auth.RoleIntake)
		other, _ := f.user("other-intake@example.org", auth.RoleIntake)
		auditor, _ := f.user("auditor@example.org", auth.RoleAuditor)
		in := teenGirl()
		in.MotherName = "Rosa López Tzul"
		c := f.child(intake, in)
		if c.MotherName != "Rosa López Tzul" || c.BirthPlace != "" {
			t.Fatalf("intake kept mother %q, birth place %q", c.MotherName, c.BirthPlace)
		}

		tests := []struct {
			name    string
			change  IdentityChange
			problem string
		}{
			{"no reason", IdentityChange{Patch: identity.Patch{GivenNames: ptr("María")}}, "reason"},
			{"bad date", IdentityChange{Patch: identity.Patch{BirthDate: ptr("2011-13-01")}, Reason: "birth certificate"}, "birth_date"},
			{"adult by the new date", IdentityChange{Patch: identity.Patch{BirthDate: ptr("2001-01-01")}, Reason: "passport"}, "birth_date"},
			{"bad sex", IdentityChange{Patch: identity.Patch{Sex: ptr("X")}, Reason: "child's account"}, "sex"},
		}
		for _, tt := range tests {
			_, err := f.s.UpdateIdentity(intake, c.ID, tt.change)
			var v *errs.ValidationError
			if !errors.As(err, &v) || !strings.Contains(v.Error(), tt.problem) {
				t.Errorf("%s: got %v, want a problem with %s", tt.name, err, tt.problem)
			}
		}
		if _, err := f.s.UpdateIdentity(auditor, c.ID, IdentityChange{Patch: identity.Patch{GivenNames: ptr("Ana")}, Reason: "x"}); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("auditor corrected an identity: %v", err)
		}
		if _, err := f.s.UpdateIdentity(other, c.ID, IdentityChange{Patch: identity.Patch{GivenNames: ptr("Ana")}, Reason: "x"}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("another intake officer's case: %v, want not found", err)
		}
		if _, err := f.s.UpdateIdentity(admin, 99999, IdentityChange{Patch: identity.Patch{GivenNames: ptr("Ana")}, Reason: "x"}); !errors.Is(err, errs.ErrNotFound) {
			t.Errorf("unknown case: %v, want not found", err)
		}

		got, err := f.s.UpdateIdentity(intake, c.ID, IdentityChange{Patch: identity.Patch{Surname1: ptr("Xiloj"), FatherName: ptr("Pedro Xiloj Tzul"), BirthPlace: ptr("Nahualá")}, Reason: "birth certificate shown by the aunt"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Surname1 != "Xiloj" || got.FatherName != "Pedro Xiloj Tzul" || got.BirthPlace != "Nahualá" || got.GivenNames != "María José" || got.MotherName != "Rosa López Tzul" {
			t.Fatalf("after the correction: %+v", got)
		}
		var key string
		if err := db.QueryRow(admin, `SELECT key_surname1 FROM cases WHERE id = ?`, c.ID).Scan(&key); err != nil || key != "xiloj" {
			t.Errorf("search key %q (%v), want xiloj", key, err)
		}
		view, err := f.s.GetCase(admin, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range view.Events {
			if e.Kind == "identity" {
				found = true
				for _, want := range []string{"birth certificate shown by the aunt", `surname1: "Hernández" → "Xiloj"`, `birth_place: "" → "Nahualá"`} {
					if !strings.Contains(e.Reason, want) {
						t.Errorf("timeline %q lacks %q", e.Reason, want)
					}
				}
			}
		}
		if !found {
			t.Error("no identity event in the timeline")
		}
		es := auditCount(t, db, "case.identity", "")
		if es != 1 {
			t.Errorf("%d case.identity audit rows, want 1", es)
		}
		// A change to the same values changes nothing and records nothing.
		if _, err := f.s.UpdateIdentity(intake, c.ID, IdentityChange{Patch: identity.Patch{Surname1: ptr("Xiloj")}, Reason: "again"}); err != nil {
			t.Fatal(err)
		}
		if n := auditCount(t, db, "case.identity", ""); n != 1 {
			t.Errorf("a change that changed nothing was audited (%d rows)", n)
		}
	})
}
