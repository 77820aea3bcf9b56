package aid

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// TestCombine: one row per way a tranche's conditions combine.
func TestCombine(t *testing.T) {
	for _, c := range []struct {
		name       string
		how        string
		n          int
		soft, hard []string
		want       string
		hardFailed bool
	}{
		{"all met", CombineAll, 0, []string{Met, Met}, nil, Met, false},
		{"all: one not met", CombineAll, 0, []string{Met, NotMet, Insufficient}, nil, NotMet, false},
		{"all: one unknown", CombineAll, 0, []string{Met, Insufficient}, nil, Insufficient, false},
		{"any: one met", CombineAny, 0, []string{NotMet, Met}, nil, Met, false},
		{"any: none met, none unknown", CombineAny, 0, []string{NotMet, NotMet}, nil, NotMet, false},
		{"any: none met, one unknown", CombineAny, 0, []string{NotMet, Insufficient}, nil, Insufficient, false},
		{"at least 2 of 3: 2 met", CombineAtLeast, 2, []string{Met, Met, NotMet}, nil, Met, false},
		{"at least 2 of 3: 1 met, 1 unknown", CombineAtLeast, 2, []string{Met, Insufficient, NotMet}, nil, Insufficient, false},
		{"at least 2 of 3: 1 met, 2 not", CombineAtLeast, 2, []string{Met, NotMet, NotMet}, nil, NotMet, false},
		{"hard hurdle not met overrides", CombineAny, 0, []string{Met}, []string{NotMet}, NotMet, true},
		{"hard hurdle unknown", CombineAll, 0, []string{Met}, []string{Insufficient}, Insufficient, false},
		{"hard hurdle met", CombineAll, 0, []string{Met}, []string{Met}, Met, false},
		{"only hard hurdles", CombineAll, 0, nil, []string{Met}, Met, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, hf := Combine(c.how, c.n, c.soft, c.hard)
			if got != c.want || hf != c.hardFailed {
				t.Errorf("Combine = %s, hard failed %v; want %s, %v", got, hf, c.want, c.hardFailed)
			}
		})
	}
}

// TestTrancheMoves: one row per state; final states move nowhere.
func TestTrancheMoves(t *testing.T) {
	for from, tos := range map[string][]string{
		StatePending:    {StateReleasable, StateReleased, StateWithheld, StateLapsed},
		StateReleasable: {StatePending, StateReleased, StateWithheld, StateLapsed},
		StateReleased:   nil,
		StateWithheld:   nil,
		StateLapsed:     nil,
	} {
		t.Run(from, func(t *testing.T) {
			for _, to := range []string{StatePending, StateReleasable, StateReleased, StateWithheld, StateLapsed} {
				want := oneOf(to, tos)
				if got := canMove(from, to); got != want {
					t.Errorf("canMove(%s, %s) = %v, want %v", from, to, got, want)
				}
			}
		})
	}
}

// TestLapses: one row per case of the lapse rule.
func TestDecidable(t *testing.T) {
	for _, tt := range []struct {
		state string
		want  bool
	}{
		{StatePending, true},
		{StateReleasable, true},
		{StateReleased, false},
		{StateWithheld, false},
		{StateLapsed, false},
		{"unknown", false},
	} {
		t.Run(tt.state, func(t *testing.T) {
			if got := Decidable(tt.state); got != tt.want {
				t.Errorf("Decidable(%q) = %v, want %v", tt.state, got, tt.want)
			}
		})
	}
}

func TestLapses(t *testing.T) {
	const due = "2017-09-30"
	for _, c := range []struct {
		name, state, firstProposal, today string
		want                              bool
	}{
		{"pending, the day after, no proposal", StatePending, "", "2017-10-01", true},
		{"releasable, the day after, no proposal", StateReleasable, "", "2017-10-01", true},
		{"pending, on the due date", StatePending, "", due, false},
		{"pending, before the due date", StatePending, "", "2017-01-01", false},
		{"proposed on the due date, approval awaited", StatePending, due, "2018-01-01", false},
		{"proposed after the due date", StatePending, "2017-10-02", "2018-01-01", true},
		{"released stays released", StateReleased, "", "2030-01-01", false},
		{"withheld stays withheld", StateWithheld, "", "2030-01-01", false},
		{"lapsed stays lapsed", StateLapsed, "", "2030-01-01", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := lapses(c.state, due, c.firstProposal, c.today); got != c.want {
				t.Errorf("lapses(%s, %s, %q, %s) = %v, want %v", c.state, due, c.firstProposal, c.today, got, c.want)
			}
		})
	}
}

// TestPeriodKnownAt: one row per kind of period; a period counts only once
// it has ended.
func TestPeriodKnownAt(t *testing.T) {
	asOf := time.Date(2016, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		period string
		want   bool
	}{
		{"2015", true}, {"2016", false}, {"FY2015", true}, {"FY2016", false},
		{"2016-04", true}, {"2016-05", true}, {"2016-06", false}, {"garbage", false},
	} {
		t.Run(c.period, func(t *testing.T) {
			if got := periodKnownAt(c.period, asOf); got != c.want {
				t.Errorf("periodKnownAt(%s, %s) = %v, want %v", c.period, asOf.Format(time.DateOnly), got, c.want)
			}
		})
	}
}

// TestPercentileRank: the share of the group at or below the country.
func TestPercentileRank(t *testing.T) {
	for _, c := range []struct {
		own   float64
		peers []float64
		want  float64
	}{
		{-0.5, []float64{-1, -0.5, 0, 0.5}, 50},
		{0.5, []float64{-1, -0.5, 0, 0.5}, 100},
		{-1, []float64{-1, -0.5, 0, 0.5}, 25},
		{1, nil, 0},
	} {
		t.Run(fmt.Sprint(c.own, c.peers), func(t *testing.T) {
			if got := percentileRank(c.own, c.peers); got != c.want {
				t.Errorf("percentileRank = %v, want %v", got, c.want)
			}
		})
	}
}

// TestSlope: least-squares change per year.
func TestSlope(t *testing.T) {
	for _, c := range []struct {
		years []int
		vals  []float64
		want  float64
	}{
		{[]int{2012, 2013, 2014}, []float64{40, 35, 30}, -5},
		{[]int{2012, 2013, 2014}, []float64{30, 30, 30}, 0},
		{[]int{2014, 2014}, []float64{1, 2}, 0},
	} {
		t.Run(fmt.Sprint(c.years), func(t *testing.T) {
			if got := slope(c.years, c.vals); math.Abs(got-c.want) > 1e-9 {
				t.Errorf("slope = %v, want %v", got, c.want)
			}
		})
	}
}

// TestFactHolds: from the first day, up to but not including the end.
func TestFactHolds(t *testing.T) {
	d := func(s string) time.Time { t, _ := time.Parse(time.DateOnly, s); return t }
	for _, c := range []struct {
		from, to, asOf string
		want           bool
	}{
		{"2007-09-04", "2019-09-03", "2007-09-04", true},
		{"2007-09-04", "2019-09-03", "2019-09-02", true},
		{"2007-09-04", "2019-09-03", "2019-09-03", false},
		{"2007-09-04", "", "2030-01-01", true},
		{"2007-09-04", "", "2007-09-03", false},
	} {
		t.Run(c.from+"-"+c.to+"@"+c.asOf, func(t *testing.T) {
			if got := factHolds(c.from, c.to, d(c.asOf)); got != c.want {
				t.Errorf("factHolds = %v, want %v", got, c.want)
			}
		})
	}
}

func TestCheckAmount(t *testing.T) {
	for _, tt := range []struct {
		a  int64
		ok bool
	}{
		{1, true},
		{40_000_000, true},
		{maxAmount, true},
		{0, false},
		{-5, false},
		{maxAmount + 1, false},
		{9_200_000_000_000_000_000, false}, // two of them overflowed the scorecard's sum
	} {
		if err := checkAmount(tt.a); (err == nil) != tt.ok {
			t.Errorf("checkAmount(%d) = %v, want ok %v", tt.a, err, tt.ok)
		}
	}
}
