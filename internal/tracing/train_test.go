package tracing

import (
	"math"
	"testing"
)

// TestSampleGroupsSeesMaxPairs checks that the sample EM and the
// threshold learn from holds about as many pairs as asked, though most of
// the pairs a group counts are compared in another group or not at all
// (on the hard development set, one in seven), and that it stands for the
// candidate pairs there are.
func TestSampleGroupsSeesMaxPairs(t *testing.T) {
	fs := hotFeatures(t)
	bl := buildBlocks(fs, 1000)
	counted, visited := 0, 0
	for g := 0; g < bl.groups(); g++ {
		counted += bl.pairsOf(g)
		bl.forPairs(g, func(i, j uint32) { visited++ })
	}
	if visited*3 > counted {
		t.Fatalf("the set no longer shows the case: %d of %d counted pairs visited", visited, counted)
	}
	for _, maxPairs := range []int{20_000, 50_000, 150_000} {
		n := 0
		scale := sampleGroups(bl, maxPairs, func(i, j uint32) bool { n++; return true })
		if n < maxPairs/2 || n > 2*maxPairs {
			t.Errorf("asked %d pairs, sampled %d", maxPairs, n)
		}
		if est := float64(n) * scale; math.Abs(est-float64(visited)) > 0.1*float64(visited) {
			t.Errorf("asked %d: the sample stands for %.0f candidate pairs, there are %d", maxPairs, est, visited)
		}
	}
}

// TestHoldDateSplit checks that EM leaves the birth date's split among
// its levels of agreement as set by hand when told to (the second try of
// trainModel), and moves it otherwise.
func TestHoldDateSplit(t *testing.T) {
	fs := hotFeatures(t)
	bl := buildBlocks(fs, 1000)
	patterns := map[vector]int{}
	m := DefaultModel()
	m.setFrequencies(fs)
	m.prepare()
	sampleGroups(bl, 100_000, func(i, j uint32) bool {
		patterns[m.compare(&fs[i], &fs[j])]++
		return true
	})
	start := DefaultModel().Fields[fBirthDate].Levels
	for _, hold := range []bool{true, false} {
		c := m.clone()
		c.holdDateSplit = hold
		c.estimateEM(patterns, 100)
		moved := 0.0
		for l, lv := range c.Fields[fBirthDate].Levels {
			moved = math.Max(moved, math.Abs(lv.M-start[l].M))
		}
		if hold && moved != 0 || !hold && moved < 0.01 {
			t.Errorf("hold %v: the date's m moved by at most %.4f", hold, moved)
		}
	}
}
