package tracing_test

import (
	"context"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/tracing"
	"github.com/amparo-project/amparo/internal/tracing/synth"
)

// Benchmarks at a million records. They build their sets with the
// generator (about 20 s); run them with
//
//	go test -run '^$' -bench 1M -benchtime 1x ./internal/tracing/
//
// TRACING_BENCH_PEOPLE changes the number of people (default 560,000,
// which gives about 1,008,000 records).

var (
	benchOnce sync.Once
	benchSet  synth.Set
)

func benchRecords(b *testing.B) []tracing.Record {
	benchOnce.Do(func() {
		n := 560_000
		if s := os.Getenv("TRACING_BENCH_PEOPLE"); s != "" {
			if v, err := strconv.Atoi(s); err == nil {
				n = v
			}
		}
		benchSet = synth.Generate(7, n)
	})
	return benchSet.Records
}

// peakHeap samples the heap while fn runs and returns the largest value.
func peakHeap(fn func()) uint64 {
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	return peak
}

func BenchmarkDedupe1M(b *testing.B) {
	recs := benchRecords(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var res *tracing.DedupeResult
		peak := peakHeap(func() {
			var err error
			res, err = tracing.Dedupe(context.Background(), recs, tracing.Options{})
			if err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(len(recs)), "records")
		b.ReportMetric(float64(res.Stats.Comparisons), "comparisons")
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	}
}

func BenchmarkIndexSearch1M(b *testing.B) {
	recs := benchRecords(b)
	ix := tracing.NewIndex(recs, nil)
	ctx := context.Background()
	// Queries: records of the set as another officer would write them
	// (the generator's second and later records of a person differ from
	// the first), taken across the set.
	queries := make([]tracing.Record, 0, 2000)
	for i := 0; i < len(recs) && len(queries) < cap(queries); i += len(recs) / cap(queries) {
		q := recs[i]
		q.ID = ""
		queries = append(queries, q)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := queries[i%len(queries)]
		t0 := time.Now()
		ix.Search(ctx, q, 5, 0.5)
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	p := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.5), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
	b.ReportMetric(float64(ix.Len()), "indexed")
}

// BenchmarkIndexMemory measures what an Index holds per record: the heap
// after NewIndex of N generated records, the records themselves dropped
// (as the app's matcher drops the cases it reads), less the heap before.
// N is TRACING_INDEX_PEOPLE people (default 160,000: about 290,000
// records, the size of the server of internal/loadtest/NOTES.md).
//
//	go test -run '^$' -bench IndexMemory -benchtime 1x ./internal/tracing/
func BenchmarkIndexMemory(b *testing.B) {
	n := 160_000
	if s := os.Getenv("TRACING_INDEX_PEOPLE"); s != "" {
		if v, err := strconv.Atoi(s); err == nil {
			n = v
		}
	}
	set := synth.Generate(11, n)
	for i := 0; i < b.N; i++ {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		// Fresh strings, one per field, as read from a database.
		recs := make([]tracing.Record, len(set.Records))
		for k, r := range set.Records {
			p := r.Person
			for _, s := range []*string{&r.ID, &p.GivenNames, &p.Surname1, &p.Surname2, &p.Sex, &p.BirthDate,
				&p.BirthCountry, &p.BirthPlace, &p.MotherName, &p.FatherName} {
				*s = strings.Clone(*s)
			}
			r.Person = p
			recs[k] = r
		}
		ix := tracing.NewIndex(recs, nil)
		// As a server's matcher grows one: a few cases at its start,
		// then every case an import brings, one Add at a time.
		grown := tracing.NewIndex(recs[:1000], nil)
		for _, r := range recs[1000:] {
			grown.Add(r)
		}
		recs = nil
		runtime.GC()
		var mid runtime.MemStats
		runtime.ReadMemStats(&mid)
		runtime.KeepAlive(ix)
		ix = nil
		runtime.GC()
		runtime.ReadMemStats(&after)
		grownB := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		builtB := int64(mid.HeapAlloc) - int64(after.HeapAlloc)
		b.ReportMetric(float64(builtB)/float64(len(set.Records)), "B/record")
		b.ReportMetric(float64(grownB)/float64(len(set.Records)), "B/record-grown")
		b.ReportMetric(float64(len(set.Records)), "records")
		runtime.KeepAlive(grown)
	}
}
