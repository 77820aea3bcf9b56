package loadtest

import (
	"testing"
	"time"
)

func TestQuantile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	for _, tc := range []struct {
		name   string
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{"none", nil, 0.5, 0},
		{"one", ms(7), 0.99, 7 * time.Millisecond},
		{"median of four is the second", ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{"p99 of 1..100 is 99", ms(hundred...), 0.99, 99 * time.Millisecond},
		{"max", ms(hundred...), 1, 100 * time.Millisecond},
		{"p50 of 1..100 is 50", ms(hundred...), 0.5, 50 * time.Millisecond},
	} {
		if got := Quantile(tc.sorted, tc.q); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestPickFollowsWeights(t *testing.T) {
	c := &runner{rng: newRand(1)}
	mix := []Weighted{{OpSearch, 7}, {OpCreate, 2}, {OpRead, 1}}
	n := map[Op]int{}
	for range 10000 {
		n[c.pick(mix)]++
	}
	// 7000 / 2000 / 1000 expected; a fixed seed, so the bounds are loose
	// only to let the generator change.
	if n[OpSearch] < 6700 || n[OpSearch] > 7300 || n[OpCreate] < 1800 || n[OpCreate] > 2200 || n[OpRead] < 850 || n[OpRead] > 1150 {
		t.Fatalf("picks %v do not follow the weights 7:2:1", n)
	}
}
