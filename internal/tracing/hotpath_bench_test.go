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
func hotFeatures(b *testing.B) []features {
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
