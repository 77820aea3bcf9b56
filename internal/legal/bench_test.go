package legal

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/auth/authtest"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/demo"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/children/release"
	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// The queue and the lost-contact board at 100,000 cases, on each engine:
//
//	go test -run '^$' -bench Legal -benchtime 200x ./internal/legal/
//
// The cases come from the children demo seeder; the legal records are
// written in bulk (the read paths are measured, not the writes): about
// 80% of the children screened, 45% of those flagged over the past 400
// days, 40% of the flagged accepted by counsel and 15% awaiting an
// answer; every released child scheduled, about one in ten lost. Each
// engine reports p50 and p99 latency of the whole service call (scope,
// query, the children's briefs and the audit rows). Target: p99 < 100 ms.
// AMPARO_BENCH_CASES overrides the number of cases.

var legalBenchNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func legalBenchCases() int {
	if n, err := strconv.Atoi(os.Getenv("AMPARO_BENCH_CASES")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

type legalBench struct {
	svc       *Service
	admin, cw context.Context
}

func setupLegalBench(b *testing.B, e storetest.Engine) *legalBench { return setupLegalBenchT(b, e) }

func setupLegalBenchT(b testing.TB, e storetest.Engine) *legalBench {
	b.Helper()
	db := e.Open(b)
	now := func() time.Time { return legalBenchNow }
	fac := facilities.New(db, now)
	cases := custody.New(db, fac, now)
	admin, adminID := authtest.User(b, db, "admin@example.org", auth.RoleAdmin)
	cw, cwID := authtest.User(b, db, "cw@example.org", auth.RoleCaseworker)
	start := time.Now()
	n := legalBenchCases()
	if err := demo.SeedDemo(admin, db, fac, demo.Options{Cases: n, Facilities: 20, Seed: 7, RequesterID: cwID, ApproverID: adminID, Staff: []int64{cwID}, Now: legalBenchNow}); err != nil {
		b.Fatal(err)
	}
	seedLegalBulk(b, db)
	b.Logf("%s: %d cases and their legal records in %v", e.Name, n, time.Since(start).Round(time.Second))
	svc := New(db, cases, release.New(db, cases, now), now)
	// The first read of the board copies the sponsor category of every
	// lost child from the release domain (migration 00509), once: timed
	// here, apart from the reads measured.
	t0 := time.Now()
	bd, err := svc.LostContact(admin, LostQuery{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: first lost-contact read, copying the categories of %d lost children: %v", e.Name, bd.Total, time.Since(t0).Round(time.Millisecond))
	return &legalBench{svc: svc, admin: admin, cw: cw}
}

// bulkRows inserts rows (each len(cols) values) in batches of 400.
func bulkRows(b testing.TB, db *store.DB, table string, cols []string, rows [][]any) {
	b.Helper()
	ctx := context.Background()
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	err := db.WithTx(ctx, func(ctx context.Context) error {
		for start := 0; start < len(rows); start += 400 {
			part := rows[start:min(start+400, len(rows))]
			marks := make([]string, len(part))
			var args []any
			for i, r := range part {
				marks[i] = one
				args = append(args, r...)
			}
			if _, err := db.Exec(ctx, `INSERT INTO `+table+` (`+strings.Join(cols, ", ")+`) VALUES `+strings.Join(marks, ", "), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatalf("bulk %s: %v", table, err)
	}
}

func seedLegalBulk(b testing.TB, db *store.DB) {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	ts := func(t time.Time) string { return store.FormatTime(t) }
	var providers [][]any
	for i := range 10 {
		providers = append(providers, []any{fmt.Sprintf("Bench Provider %d", i), "Spanish", "TX", "asylum,sijs", 100000, 0, ts(legalBenchNow)})
	}
	bulkRows(b, db, "legal_providers", []string{"organisation", "languages", "states", "specialties", "capacity", "reserved", "created_at"}, providers)
	var ids []int64
	country := map[int64]string{}
	rows, err := db.Query(ctx, `SELECT id, birth_country FROM cases ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
		country[id] = c
	}
	rows.Close()
	var pid int64
	if err := db.QueryRow(ctx, `SELECT MIN(id) FROM legal_providers`).Scan(&pid); err != nil {
		b.Fatal(err)
	}
	flags := `[{"relief":"asylum","because":["fear_return"],"law":"INA 208"}]`
	var screenings, referrals [][]any
	for _, id := range ids {
		if rng.Float64() >= 0.8 {
			continue
		}
		at := legalBenchNow.Add(-time.Duration(rng.IntN(400*24)) * time.Hour)
		if rng.Float64() >= 0.45 {
			screenings = append(screenings, []any{id, `{}`, `[]`, 0, "bench", ts(at), nil, country[id], nil})
			continue
		}
		var counsel any
		switch x := rng.Float64(); {
		case x < 0.40:
			counsel = ts(at.Add(72 * time.Hour))
			referrals = append(referrals, []any{id, pid + int64(rng.IntN(10)), "accepted", "bench", ts(at.Add(24 * time.Hour)), counsel})
		case x < 0.55:
			referrals = append(referrals, []any{id, pid + int64(rng.IntN(10)), "pending", "bench", ts(at.Add(24 * time.Hour)), nil})
		}
		screenings = append(screenings, []any{id, `{}`, flags, 1, "bench", ts(at), ts(at), country[id], counsel})
	}
	bulkRows(b, db, "legal_screenings", []string{"case_id", "answers", "flags", "flagged", "screened_by", "screened_at", "first_flagged_at", "birth_country", "counsel_at"}, screenings)
	bulkRows(b, db, "legal_referrals", []string{"case_id", "provider_id", "status", "referred_by", "referred_at", "decided_at"}, referrals)

	rows, err = db.Query(ctx, `SELECT case_id, id, released_at FROM releases WHERE status = 'released' ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	var contacts, calls [][]any
	seen := map[int64]bool{}
	for rows.Next() {
		var caseID, relID int64
		var at store.Time
		if err := rows.Scan(&caseID, &relID, &at); err != nil {
			b.Fatal(err)
		}
		if seen[caseID] {
			continue
		}
		seen[caseID] = true
		var lost any
		reason := ""
		if rng.Float64() < 0.1 {
			lost, reason = ts(at.Add(time.Duration(30+rng.IntN(60))*24*time.Hour)), "not_reached"
		}
		contacts = append(contacts, []any{caseID, ts(at.Time), 0, lost, reason})
		calls = append(calls, []any{caseID, relID, ts(at.Time), "safety_30", ts(at.Add(30 * 24 * time.Hour)), ts(at.Time)})
	}
	rows.Close()
	bulkRows(b, db, "legal_contacts", []string{"case_id", "released_at", "failures", "lost_at", "lost_reason"}, contacts)
	bulkRows(b, db, "legal_followups", []string{"case_id", "release_id", "released_at", "kind", "due_at", "created_at"}, calls)
	if _, err := db.SQL().ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

func reportP99(b *testing.B, lat []time.Duration) {
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

// BenchmarkLegal measures, on each engine over the same data: the queue
// as an administrator (every facility) and as a caseworker of the three
// busiest facilities ("-page" adds the chart of unrepresented children
// that the queue page draws), and the lost-contact board (its list, the
// counts per month and per sponsor category, the open escalations).
func BenchmarkLegal(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			lb := setupLegalBench(b, e) // a benchmark with sub-benchmarks runs once: the data is made once per engine
			for _, v := range []struct {
				name string
				ctx  context.Context
				call func(ctx context.Context) (int, error)
			}{
				{"queue-admin", lb.admin, lb.queue(false)},
				{"queue-caseworker", lb.cw, lb.queue(false)},
				{"queue-page-admin", lb.admin, lb.queue(true)},
				{"queue-page-caseworker", lb.cw, lb.queue(true)},
				{"lost-contact-admin", lb.admin, lb.lost},
				{"lost-contact-caseworker", lb.cw, lb.lost},
			} {
				b.Run(v.name, func(b *testing.B) {
					lat := make([]time.Duration, 0, b.N)
					n := 0
					cpu0 := processCPU()
					for b.Loop() {
						t0 := time.Now()
						var err error
						if n, err = v.call(v.ctx); err != nil {
							b.Fatal(err)
						}
						lat = append(lat, time.Since(t0))
					}
					reportP99(b, lat)
					// This process's CPU time per call: on SQLite (in process)
					// the work itself, whatever else the machine runs; on
					// PostgreSQL the server's share is not in it.
					b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/1000/float64(len(lat)), "cpu-ms/op")
					b.ReportMetric(float64(n), "children")
				})
			}
		})
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (lb *legalBench) queue(page bool) func(ctx context.Context) (int, error) {
	return func(ctx context.Context) (int, error) {
		q, err := lb.svc.Queue(ctx, QueueQuery{})
		if err == nil && page {
			_, err = lb.svc.UnrepresentedChart(ctx, struct{}{})
		}
		return len(q), err
	}
}

func (lb *legalBench) lost(ctx context.Context) (int, error) {
	bd, err := lb.svc.LostContact(ctx, LostQuery{})
	if err != nil {
		return 0, err
	}
	return len(bd.Lost), nil
}
