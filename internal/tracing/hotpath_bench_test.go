package tracing

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// Benchmarks of the two hottest pure functions of a run, on the hard
// development set: the blocking keys of a record (once per record) and the
// given-name comparison (once per candidate pair). They guard refactorings
// of those functions: same results, same allocations, same speed.
//
//	go test -run '^$' -bench 'BlockKeys|CompareGiven' -benchmem ./internal/tracing/

// hotFeatures reads the hard development set as features, sorted by the
// given name's phonetic key so that neighbours are likely candidates.
func hotFeatures(b testing.TB) []features {
	b.Helper()
	f, err := os.Open(filepath.Join(sharedDir, "dev-dedupe-hard", "people.csv"))
	if err != nil {
		b.Skipf("SKIPPED: development set not found: %v", err)
	}
	defer f.Close()
	recs, err := ReadCSV(f)
	if err != nil {
		b.Fatal(err)
	}
	fs := make([]features, len(recs))
	for i := range recs {
		fs[i] = newFeatures(&recs[i])
	}
	slices.SortStableFunc(fs, func(a, b features) int {
		switch {
		case a.givenFirstPh < b.givenFirstPh:
			return -1
		case a.givenFirstPh > b.givenFirstPh:
			return 1
		}
		return 0
	})
	return fs
}

func BenchmarkBlockKeys(b *testing.B) {
	fs := hotFeatures(b)
	k := newKeyHasher()
	dst := make([]uint64, 0, 64)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = blockKeys(k, &fs[i%len(fs)], dst[:0])
	}
}

func BenchmarkCompareGiven(b *testing.B) {
	fs := hotFeatures(b)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		j := i % (len(fs) - 3)
		n += compareGiven(&fs[j], &fs[j+1+i%3])
	}
	_ = n
}

// hotPairs returns the candidate pairs of the hard development set and a
// model trained on it, as a dedupe makes them.
func hotPairs(t testing.TB) ([]features, [][2]uint32, *Model) {
	t.Helper()
	fs := hotFeatures(t)
	bl := buildBlocks(fs, 1000)
	n := len(fs)
	m := DefaultModel()
	trainModel(m, fs, n-1, float64(n)*float64(n-1)/2, func(fn func(a, b *features) bool) float64 {
		return sampleGroups(bl, emMaxPairs, func(i, j uint32) bool { return fn(&fs[i], &fs[j]) })
	})
	var pairs [][2]uint32
	for g := 0; g < bl.groups(); g++ {
		bl.forPairs(g, func(i, j uint32) { pairs = append(pairs, [2]uint32{i, j}) })
	}
	return fs, pairs, m
}

// TestScoreAtLeastAgrees checks scoreAtLeast against score on every
// candidate pair of the hard development set, at several thresholds: the
// same weight when it says yes, a weight below the threshold when it
// stops early.
func TestScoreAtLeastAgrees(t *testing.T) {
	fs, pairs, fitted := hotPairs(t)
	// The fitted model, and the same for a million records (a prior six
	// bits lower, as in a million-row dedupe).
	for _, m := range []*Model{fitted, fitted.ForPopulation(1_000_000)} {
		for _, p := range []float64{0.01, 0.1, 0.5, 0.9, 0.99} {
			minW := weightFor(m, p)
			below, early := 0, 0
			for _, pr := range pairs {
				a, b := &fs[pr[0]], &fs[pr[1]]
				want := m.score(a, b)
				got, ok := m.scoreAtLeast(a, b, minW)
				if ok != (want >= minW) || (ok && got != want) {
					t.Fatalf("population %d, p %v, pair %v: scoreAtLeast %v %v, score %v", m.Population, p, pr, got, ok, want)
				}
				if !ok {
					below++
					if got == 0 { // stopped before the names (an exact 0 otherwise is improbable)
						early++
					}
				}
			}
			t.Logf("population %d, p %v: %d pairs, %d below the threshold, %d (%.0f%%) known before the names", m.Population, p, len(pairs), below, early, 100*float64(early)/float64(len(pairs)))
		}
	}
}

// BenchmarkScorePairs scores the candidate pairs of the hard development
// set against the dedupe threshold, by score and by scoreAtLeast.
func BenchmarkScorePairs(b *testing.B) {
	fs, pairs, m := hotPairs(b)
	minW := weightFor(m, DefaultDedupeThreshold)
	b.Run("score", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for i := 0; i < b.N; i++ {
			pr := pairs[i%len(pairs)]
			if m.score(&fs[pr[0]], &fs[pr[1]]) >= minW {
				n++
			}
		}
		_ = n
	})
	b.Run("scoreAtLeast", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for i := 0; i < b.N; i++ {
			pr := pairs[i%len(pairs)]
			if _, ok := m.scoreAtLeast(&fs[pr[0]], &fs[pr[1]], minW); ok {
				n++
			}
		}
		_ = n
	})
}

// BenchmarkParseDate: every record of a file is read through parseDate; the
// usual form must not allocate.
func BenchmarkParseDate(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if !parseDate("2014-03-25").valid || !parseDate("25/03/2014").valid {
			b.Fatal("not read")
		}
	}
}
