package tracing_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/tracing"
	"github.com/amparo-project/amparo/internal/tracing/synth"
)

var writeSearchGolden = flag.Bool("write-search-golden", false, "write testdata/search_golden.txt from this code")

// searchTranscript searches a generated index (built, then grown with
// Add, then with cases renamed and removed by Replace) with inquiries
// written as another officer would, with and without a surname, and
// returns every result line.
func searchTranscript() string {
	set := synth.Generate(5, 12000)
	recs := set.Records
	half := len(recs) * 3 / 4
	ix := tracing.NewIndex(recs[:half], nil)
	for _, r := range recs[half:] {
		ix.Add(r)
	}
	for k := 0; k < 200; k++ {
		r := recs[(k*7919)%len(recs)]
		switch k % 3 {
		case 0:
			s := recs[(k*104729)%len(recs)]
			r.GivenNames = s.GivenNames
			ix.Replace(r.ID, r)
		case 1:
			ix.Replace(r.ID)
		default:
			s := r
			s.Surname1, s.Surname2 = r.Surname2, r.Surname1
			ix.Replace(r.ID, r, s)
		}
	}
	var b strings.Builder
	ctx := context.Background()
	for q := 0; q < 400; q++ {
		r := recs[(q*3571+17)%len(recs)]
		r.ID = ""
		if q%4 == 0 {
			r.Surname1, r.Surname2 = "", ""
		}
		for _, c := range ix.Search(ctx, r, 5, 0.01) {
			fmt.Fprintf(&b, "%d\t%s\t%.9g\t%.9g\n", q, c.ID, c.Probability, c.Weight)
		}
	}
	return b.String()
}

// TestSearchGolden compares the results of searchTranscript with those
// the code before the compact index (main at 0bb6765) gave, stored in
// testdata/search_golden.txt; rewritten (-write-search-golden) after the
// key of the full date with a name's initial (new candidates for the
// inquiries without a surname) and the surnames crossed only with a
// surname to cross with (a weak candidate of inquiry 182 dropped), and
// again after surname frequencies scaled every level's chance agreement
// (12 inquiries rank another record of the same person first).
func TestSearchGolden(t *testing.T) {
	path := filepath.Join("testdata", "search_golden.txt")
	got := searchTranscript()
	if *writeSearchGolden {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := range min(len(gl), len(wl)) {
			if gl[i] != wl[i] {
				t.Fatalf("line %d: %q, want %q", i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%d lines, want %d", len(gl), len(wl))
	}
}
