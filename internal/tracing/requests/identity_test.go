package requests

import (
	"context"
	"testing"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
	"github.com/amparo-project/amparo/internal/tracing"
)

func ptr[T any](v T) *T { return &v }

func found(t *testing.T, f *fixture, p Person, caseID int64) bool {
	t.Helper()
	hits, err := f.svc.Search(f.admin, p, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if h.CaseID == caseID {
			return true
		}
	}
	return false
}

// A case whose identity is corrected is found by its new names, no longer
// by the old ones, and is matched again against the open requests; the
// parents' names and birth place count; an also-known-as name finds the
// case as one candidate.
func TestIdentityCorrection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.crowd(f.admin)
		c := f.child(f.admin, "Marvin", "Tzul", "", "M", "2012-01-30")
		f.svc = f.service()
		sought := Person{GivenNames: "José", Surname1: "Shiloj", Sex: "M", BirthDate: "2014-06-02", MotherName: "Rosa Caal"}
		v, err := f.svc.Create(f.admin, newReq(sought))
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Candidates) != 0 {
			t.Fatalf("candidates before the correction: %+v", v.Candidates)
		}
		marvin := Person{GivenNames: "Marvin", Surname1: "Tzul", Sex: "M", BirthDate: "2012-01-30"}
		if !found(t, f, marvin, c.ID) {
			t.Fatal("the case is not found by its names")
		}

		if _, err := f.cases.UpdateIdentity(f.admin, c.ID, custody.IdentityChange{Patch: identity.Patch{GivenNames: ptr("José"), Surname1: ptr("Xiloj"), BirthDate: ptr("2014-06-02"), MotherName: ptr("Rosa Caal Tiul"), BirthPlace: ptr("Nahualá")}, Reason: "birth certificate"}); err != nil {
			t.Fatal(err)
		}
		// The search brings the index up to date itself.
		if found(t, f, marvin, c.ID) {
			t.Error("the old names still find the corrected case")
		}
		if !found(t, f, Person{GivenNames: "Jose", Surname1: "Xiloj", BirthDate: "2014-06-02"}, c.ID) {
			t.Error("the new names do not find it")
		}
		v, err = f.svc.Get(f.admin, v.Request.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Candidates) != 1 || v.Candidates[0].CaseID != c.ID || v.Candidates[0].FoundBy != foundByNewCase {
			t.Fatalf("the open request was not matched with the corrected case: %+v", v.Candidates)
		}
		mother := false
		for _, fw := range v.Candidates[0].Explanation {
			if fw.Field == "mother_name" && fw.Level != "missing" {
				mother = true
			}
		}
		if !mother {
			t.Errorf("the mother's name was not compared: %+v", v.Candidates[0].Explanation)
		}
		if res, err := f.svc.M.Sync(context.Background()); err != nil || res.Reindexed != 0 || res.Candidates != 0 {
			t.Errorf("a second sync: %+v %v", res, err)
		}
		// A restarted matcher reads the corrected case as it is.
		f.svc = f.service()
		if found(t, f, marvin, c.ID) || !found(t, f, Person{GivenNames: "José", Surname1: "Xiloj", BirthDate: "2014-06-02"}, c.ID) {
			t.Error("after a restart the index does not hold the corrected names")
		}

		// Also known as: found by the other name, once.
		if _, err := f.cases.UpdateIdentity(f.admin, c.ID, custody.IdentityChange{AKA: ptr("Chepe; Juan Pablo Tzul Caal"), Reason: "as his aunt calls him"}); err != nil {
			t.Fatal(err)
		}
		hits, err := f.svc.Search(f.admin, Person{GivenNames: "Juan Pablo", Surname1: "Tzul", Surname2: "Caal", Sex: "M", BirthDate: "2014-06-02"}, 10)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, h := range hits {
			if h.CaseID == c.ID {
				n++
			}
		}
		if n != 1 {
			t.Errorf("found %d times by its also-known-as name, want once: %+v", n, hits)
		}
	})
}

func TestCaseRecordsOf(t *testing.T) {
	base := caseRecordsOf(recordOf("7", "José", "Xiloj", "Tzul"), "")
	if len(base) != 1 {
		t.Fatalf("no aka: %d records", len(base))
	}
	tests := []struct {
		aka  string
		want [][3]string
	}{
		{"Chepe", [][3]string{{"Chepe", "Xiloj", "Tzul"}}},
		{"Chepe Xiloj", [][3]string{{"Chepe", "Xiloj", ""}}},
		{"José Luis Xiloj Tzul", [][3]string{{"José Luis", "Xiloj", "Tzul"}}},
		{"Chepe; Pepe Tzul,\nJuan Pablo Caal Xol", [][3]string{{"Chepe", "Xiloj", "Tzul"}, {"Pepe", "Tzul", ""}, {"Juan Pablo", "Caal", "Xol"}}},
		{" ; , ", nil},
		{"José Xiloj Tzul", nil}, // the same as recorded
	}
	for _, tt := range tests {
		got := caseRecordsOf(recordOf("7", "José", "Xiloj", "Tzul"), tt.aka)[1:]
		if len(got) != len(tt.want) {
			t.Errorf("%q: %d other names, want %d", tt.aka, len(got), len(tt.want))
			continue
		}
		for i, w := range tt.want {
			if got[i].ID != "7" || got[i].GivenNames != w[0] || got[i].Surname1 != w[1] || got[i].Surname2 != w[2] {
				t.Errorf("%q: name %d = %+v, want %v", tt.aka, i, got[i], w)
			}
		}
	}
}

func recordOf(id, given, s1, s2 string) tracing.Record {
	return tracing.Record{ID: id, Person: identity.Person{GivenNames: given, Surname1: s1, Surname2: s2, Sex: "M", BirthDate: "2014-06-02"}}
}

// A correction that commits after a later-numbered one (numbers are taken
// at insert, seen at commit) is still indexed.
func TestCorrectionOutOfOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.crowd(f.admin)
		a := f.child(f.admin, "Marvin", "Tzul", "", "M", "2012-01-30")
		b := f.child(f.admin, "Wendy", "Izaguirre", "", "F", "2011-10-26")
		f.svc = f.service()
		ctx := context.Background()
		at := store.FormatTime(f.clock)
		// Case b's correction took number 12 and committed first...
		if _, err := db.Exec(ctx, `UPDATE cases SET given_names = 'Dulce' WHERE id = ?`, b.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO case_identity_changes (seq, case_id, at) VALUES (12, ?, ?)`, b.ID, at); err != nil {
			t.Fatal(err)
		}
		if res, err := f.svc.M.Sync(ctx); err != nil || res.Reindexed != 1 {
			t.Fatalf("first sync: %+v %v", res, err)
		}
		// ...and case a's, number 11, after it.
		if _, err := db.Exec(ctx, `UPDATE cases SET given_names = 'José', surname1 = 'Xiloj' WHERE id = ?`, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO case_identity_changes (seq, case_id, at) VALUES (11, ?, ?)`, a.ID, at); err != nil {
			t.Fatal(err)
		}
		if res, err := f.svc.M.Sync(ctx); err != nil || res.Reindexed != 1 {
			t.Fatalf("sync after the late commit: %+v %v", res, err)
		}
		if !found(t, f, Person{GivenNames: "José", Surname1: "Xiloj", Sex: "M", BirthDate: "2012-01-30"}, a.ID) {
			t.Error("the late correction was not indexed")
		}
		if res, err := f.svc.M.Sync(ctx); err != nil || res.Reindexed != 0 {
			t.Errorf("a correction was indexed twice: %+v %v", res, err)
		}
	})
}
