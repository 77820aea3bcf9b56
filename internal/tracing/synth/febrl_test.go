package synth

import (
	"reflect"
	"testing"

	"github.com/amparo-project/amparo/internal/tracing"
)

func filled(r tracing.Record) int {
	n := 0
	for _, v := range []string{r.GivenNames, r.Surname1, r.Surname2, r.Sex, r.BirthDate, r.BirthCountry, r.BirthPlace, r.MotherName, r.FatherName} {
		if v != "" {
			n++
		}
	}
	return n
}

func TestFEBRLDeterministicAndShaped(t *testing.T) {
	a := GenerateFEBRL(5, 300, FEBRLOptions{})
	b := GenerateFEBRL(5, 300, FEBRLOptions{})
	if !reflect.DeepEqual(a, b) {
		t.Fatal("the same seed gave two different sets")
	}
	if c := GenerateFEBRL(6, 300, FEBRLOptions{}); reflect.DeepEqual(a.Records, c.Records) {
		t.Fatal("two seeds gave the same set")
	}
	people := map[string]int{}
	for _, p := range a.PersonID {
		people[p]++
	}
	if len(people) != 300 || len(a.Records) < 600 || len(a.Records) > 1000 {
		t.Errorf("%d people in %d records, want 300 in about 2.5 each", len(people), len(a.Records))
	}
	s := GenerateFEBRL(5, 300, FEBRLOptions{Sparse: true})
	for _, r := range s.Records {
		if filled(r) > 3 {
			t.Fatalf("sparse record with %d fields: %+v", filled(r), r)
		}
	}
	left, right := GenerateFEBRLLink(7, 200, FEBRLOptions{})
	if len(left.Records) != 200 || len(right.Records) != 200 {
		t.Fatalf("link set %d × %d, want 200 × 200", len(left.Records), len(right.Records))
	}
	ids := map[string]bool{}
	for _, r := range left.Records {
		ids[r.ID] = true
	}
	for i, p := range right.PersonID {
		if !ids[p] {
			t.Fatalf("right %s points to %q, not a left record", right.Records[i].ID, p)
		}
	}
}

// TestFEBRLLinkFullLeft: with FullLeft the right records (the sparse
// inquiries) and the truth are those of the both-sides-sparse set of the
// same seed, and the left records are full (six fields or more: FEBRL's
// records have no parents' names): the two variants differ only
// in what the left side says.
func TestFEBRLLinkFullLeft(t *testing.T) {
	bl, br := GenerateFEBRLLink(8, 300, FEBRLOptions{Sparse: true})
	fl, fr := GenerateFEBRLLink(8, 300, FEBRLOptions{Sparse: true, FullLeft: true})
	if !reflect.DeepEqual(br, fr) {
		t.Fatal("the right side differs from the both-sides-sparse set's")
	}
	if !reflect.DeepEqual(bl.PersonID, fl.PersonID) {
		t.Fatal("the left IDs differ")
	}
	for i, r := range fl.Records {
		if filled(r) < 6 {
			t.Fatalf("left record %d has %d fields, want a full record: %+v", i, filled(r), r)
		}
		if b := bl.Records[i]; b.GivenNames != "" && b.GivenNames != r.GivenNames {
			t.Fatalf("left record %d: given name %q, the sparse set's %q", i, r.GivenNames, b.GivenNames)
		}
	}
	for _, r := range fr.Records {
		if filled(r) > 3 {
			t.Fatalf("right record with %d fields: %+v", filled(r), r)
		}
	}
}
