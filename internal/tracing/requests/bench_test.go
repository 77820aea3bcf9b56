package requests

import (
	"context"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/auth/authtest"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/identity"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/tracing"
	"github.com/amparo-project/amparo/internal/tracing/synth"
)

// benchPeople gives about 1,000,000 records (the generator makes about 1.8
// records per person).
const benchPeople = 560_000

var (
	benchOnce    sync.Once
	benchDB      *store.DB
	benchM       *Matcher
	benchQueries []Person
	benchErr     error
)

// benchSetup stores the synthetic set as cases in a SQLite database (made
// once per run, kept to the end of the process) and builds the matcher
// from it as the server does at start. The queries are records of the set
// as a relative would describe them: names, sex, birth date and country,
// without the birth place and parents.
func benchSetup(b *testing.B) (*store.DB, *Matcher, []Person) {
	benchOnce.Do(func() { benchErr = benchBuild(b) })
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchDB, benchM, benchQueries
}

func benchBuild(b *testing.B) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "amparo-bench-")
	if err != nil {
		return err
	}
	db, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		return err
	}
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	start := time.Now()
	set := synth.Generate(42, benchPeople)
	b.Logf("generated %d records in %v", len(set.Records), time.Since(start).Round(time.Millisecond))
	rng := rand.New(rand.NewPCG(7, 7))
	for range 2000 {
		r := set.Records[rng.IntN(len(set.Records))]
		benchQueries = append(benchQueries, Person{GivenNames: r.GivenNames, Surname1: r.Surname1, Surname2: r.Surname2,
			Sex: sexes[identity.Fold(r.Sex)], BirthDate: r.BirthDate, BirthCountry: r.BirthCountry})
	}
	start = time.Now()
	ts := store.FormatTime(time.Now())
	const rows = 500
	err = db.WithTx(ctx, func(ctx context.Context) error {
		for i := 0; i < len(set.Records); i += rows {
			part := set.Records[i:min(i+rows, len(set.Records))]
			var q strings.Builder
			q.WriteString(`INSERT INTO cases (state, given_names, surname1, surname2, sex, birth_date, birth_country, encountered_at, created_at, updated_at) VALUES `)
			args := make([]any, 0, len(part)*10)
			for j, r := range part {
				if j > 0 {
					q.WriteString(",")
				}
				q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				var sex, birth any
				if v := sexes[identity.Fold(r.Sex)]; v != "" {
					sex = v
				}
				if r.BirthDate != "" {
					birth = r.BirthDate
				}
				args = append(args, "placed", r.GivenNames, r.Surname1, r.Surname2, sex, birth, r.BirthCountry, ts, ts, ts)
			}
			if _, err := db.Exec(ctx, q.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	b.Logf("stored %d cases in %v", len(set.Records), time.Since(start).Round(time.Millisecond))
	start = time.Now()
	m, err := NewMatcher(ctx, db, MatcherOptions{})
	if err != nil {
		return err
	}
	b.Logf("matcher built from the database (server start) in %v: %d cases", time.Since(start).Round(time.Millisecond), m.Len())
	set = synth.Set{}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.Logf("heap in use with the matcher: %d MiB", ms.HeapInuse>>20)
	benchDB, benchM = db, m
	return nil
}

// BenchmarkSearchMillion is one POST /api/v1/tracing/search without HTTP,
// against a matcher holding about a million cases: the newest-case check,
// the index search, the scope check and brief of the candidates read from
// the cases table, and the audit row, on SQLite. As an administrator every
// candidate is in scope; as an intake officer none is (the officer
// recorded none of these cases), the most the scope filter has to read.
// It reports the p50 and p99 latency.
func BenchmarkSearchMillion(b *testing.B) {
	db, m, queries := benchSetup(b)
	svc := &Service{DB: db, M: m, Cases: custody.New(db, facilities.New(db, nil), nil)}
	for _, role := range []auth.Role{auth.RoleAdmin, auth.RoleIntake} {
		b.Run(string(role), func(b *testing.B) {
			ctx := benchUser(b, db, role)
			lat := make([]time.Duration, 0, b.N)
			found := 0
			for i := 0; b.Loop(); i++ {
				t0 := time.Now()
				hits, err := svc.Search(ctx, queries[i%len(queries)], DefaultLimit)
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				if len(hits) > 0 {
					found++
				}
			}
			reportLatency(b, lat)
			b.ReportMetric(float64(found)/float64(len(lat)), "found/op")
		})
	}
}

// BenchmarkIndexSearchMillion is the engine's part alone.
func BenchmarkIndexSearchMillion(b *testing.B) {
	_, m, queries := benchSetup(b)
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	found := 0
	for i := 0; b.Loop(); i++ {
		t0 := time.Now()
		hits := m.search(ctx, tracing.Record{Person: queries[i%len(queries)]}, DefaultLimit, m.Threshold())
		lat = append(lat, time.Since(t0))
		if len(hits) > 0 {
			found++
		}
	}
	reportLatency(b, lat)
	b.ReportMetric(float64(found)/float64(len(lat)), "found/op")
}

func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	q := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

func benchUser(b *testing.B, db *store.DB, role auth.Role) context.Context {
	ctx, _ := authtest.User(b, db, string(role)+"@example.org", role)
	return ctx
}

// BenchmarkAuditRowMillion is the audit row alone, on the same database:
// the part of a search's latency that is the durable (fsync'd) commit.
func BenchmarkAuditRowMillion(b *testing.B) {
	db, _, _ := benchSetup(b)
	ctx := benchUser(b, db, auth.RoleAdmin)
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t0 := time.Now()
		if err := audit.Log(ctx, db, audit.Event{Action: "tracing.search", ObjectType: "tracing", ObjectID: "search", Detail: "benchmark"}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	reportLatency(b, lat)
}
