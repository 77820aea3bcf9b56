package tracing_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/amparo-project/amparo/internal/tracing"
	"github.com/amparo-project/amparo/internal/tracing/synth"
)

// TestRefreshModelEqualsNewIndex: counting the model again on an index's
// compact rows (RefreshModel) gives the model NewIndex counts on the same
// records, field for field, and the same search results; records emptied
// by Replace are left out of the count.
func TestRefreshModelEqualsNewIndex(t *testing.T) {
	set := synth.Generate(11, 3000)
	recs := set.Records
	fresh := tracing.NewIndex(recs, nil)

	// Start from the hand-set model on a few records, grow, then count.
	grown := tracing.NewIndex(recs[:100], tracing.DefaultModel())
	for _, r := range recs[100:] {
		grown.Add(r)
	}
	if reflect.DeepEqual(grown.Model(), fresh.Model()) {
		t.Fatal("the grown index already has the counted model: the test would prove nothing")
	}
	grown.RefreshModel()
	if got, want := grown.Model(), fresh.Model(); !reflect.DeepEqual(got, want) {
		t.Errorf("refreshed model differs from NewIndex's:\nfrequencies %d/%d given, %d/%d surnames; prior %g/%g; population %d/%d",
			len(got.GivenFreq), len(want.GivenFreq), len(got.SurnameFreq), len(want.SurnameFreq), got.Prior, want.Prior, got.Population, want.Population)
	}
	ctx := context.Background()
	for q := 0; q < 200; q++ {
		r := recs[(q*3571+17)%len(recs)]
		r.ID = ""
		a, b := grown.Search(ctx, r, 5, 0.01), fresh.Search(ctx, r, 5, 0.01)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("query %d: refreshed index found %v, new index %v", q, a, b)
		}
	}

	// Removed records do not count: the same as an index of the rest.
	for _, r := range recs[:500] {
		grown.Replace(r.ID)
	}
	grown.RefreshModel()
	rest := tracing.NewIndex(recs[500:], nil)
	if got, want := grown.Model(), rest.Model(); !reflect.DeepEqual(got.GivenFreq, want.GivenFreq) || !reflect.DeepEqual(got.SurnameFreq, want.SurnameFreq) ||
		got.Population != want.Population || got.Prior != want.Prior {
		t.Errorf("after removing 500: population %d, want %d; prior %g, want %g", got.Population, want.Population, got.Prior, want.Prior)
	}
}
