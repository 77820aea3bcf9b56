package indicators

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSelectionUsesOnlyThePast: the default re-chosen at origin t is the
// same whether the series goes on after t or stops there, so its track
// record never uses a later value; on a steady trend the choice moves
// from naive (too few origins for a verdict) to a trend model.
func TestSelectionUsesOnlyThePast(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	y := make([]float64, 80)
	for i := range y {
		y[i] = math.Exp(3 + 0.08*float64(i) + 0.02*rng.NormFloat64())
	}
	o := ForecastOptions{Season: 1, Log: true, NonNegative: true}
	const h = 2
	full, err := runBacktest(y, h, 6, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{20, 40, 60} {
		part, err := runBacktest(y[:cut], h, 6, o)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := full.defaultAt(y, h, cut), part.defaultAt(y[:cut], h, cut); a != b {
			t.Errorf("origin %d: %s with the whole series, %s with the data up to it", cut, a, b)
		}
	}
	sel, choices := full.selection(y, h)
	if choices[ModelNaive] == 0 || choices[ModelNaive] == len(full.tracks[ModelNaive]) {
		t.Errorf("choices %v: naive first (no verdict yet), then a trend model", choices)
	}
	if sel.Origins != len(full.tracks[ModelNaive]) || sel.Model != SelectionModel {
		t.Errorf("selection scored %d origins as %q, want %d", sel.Origins, sel.Model, len(full.tracks[ModelNaive]))
	}
}
