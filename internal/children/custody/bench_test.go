package custody_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/auth/authtest"
	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/demo"
	"github.com/amparo-project/amparo/internal/children/facilities"
	"github.com/amparo-project/amparo/internal/store"
)

// benchNow is the fixed "now" of the benchmark data, so that the cached
// database and the queries agree on what is overdue.
var benchNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

const benchCases = 100_000

// benchDB returns a SQLite database with 100,000 demo cases, built once
// and cached in the temporary directory (building takes a while), copied
// for each benchmark so that the audit rows it writes do not accumulate.
func benchDB(b *testing.B) (*custody.Service, context.Context, context.Context) {
	b.Helper()
	ctx := context.Background()
	cache := filepath.Join(os.TempDir(), fmt.Sprintf("amparo-children-bench-%d-v1.db", benchCases))
	if _, err := os.Stat(cache); err != nil {
		dir := b.TempDir()
		db, err := store.Open(ctx, store.Config{DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		fac := facilities.New(db, func() time.Time { return benchNow })
		admin, adminID := benchUser(b, db, "admin@example.org", auth.RoleAdmin)
		_, cwID := benchUser(b, db, "cw@example.org", auth.RoleCaseworker)
		start := time.Now()
		if err := demo.SeedDemo(admin, db, fac, demo.Options{Cases: benchCases, Facilities: 20, Seed: 7, RequesterID: cwID, ApproverID: adminID, Staff: []int64{cwID}, Now: benchNow}); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d cases in %v", benchCases, time.Since(start).Round(time.Millisecond))
		if _, err := db.SQL().ExecContext(ctx, `VACUUM INTO '`+cache+`'`); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
	dir := b.TempDir()
	copyFile(b, cache, filepath.Join(dir, store.SQLiteFile))
	db, err := store.Open(ctx, store.Config{DataDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	s := custody.New(db, facilities.New(db, nil), func() time.Time { return benchNow })
	var adminID, cwID int64
	if err := db.QueryRow(ctx, `SELECT id FROM users WHERE email = 'admin@example.org'`).Scan(&adminID); err != nil {
		b.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT id FROM users WHERE email = 'cw@example.org'`).Scan(&cwID); err != nil {
		b.Fatal(err)
	}
	admin := auth.NewContext(ctx, auth.Principal{UserID: adminID, Email: "admin@example.org", Role: auth.RoleAdmin})
	cw := auth.NewContext(ctx, auth.Principal{UserID: cwID, Email: "cw@example.org", Role: auth.RoleCaseworker})
	return s, admin, cw
}

func benchUser(b *testing.B, db *store.DB, email string, role auth.Role) (context.Context, int64) {
	return authtest.User(b, db, email, role)
}

func copyFile(b *testing.B, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBoard: the whole deadline board (admin: every facility) over
// 100,000 cases, including its audit row. Target: under 50 ms.
func BenchmarkBoard(b *testing.B) {
	s, admin, cw := benchDB(b)
	for _, v := range []struct {
		name string
		ctx  context.Context
	}{{"admin", admin}, {"caseworker", cw}} {
		b.Run(v.name, func(b *testing.B) {
			var total int
			for b.Loop() {
				bd, err := s.Board(v.ctx, 0, 500)
				if err != nil {
					b.Fatal(err)
				}
				total = bd.Total
			}
			b.ReportMetric(float64(total), "items")
		})
	}
}

// BenchmarkSearch: name and number searches over 100,000 cases, including
// the audit row. Target: under 50 ms each.
func BenchmarkSearch(b *testing.B) {
	s, admin, cw := benchDB(b)
	for _, q := range []struct {
		name string
		ctx  context.Context
		q    string
	}{
		{"common-surname", admin, "hernandez"},
		{"given-and-surname", admin, "maria lopez"},
		{"rare-surname", admin, "xol"},
		{"case-number", admin, "#54321"},
		{"caseworker-scope", cw, "garcia"},
	} {
		b.Run(q.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				res, err := s.Search(q.ctx, custody.SearchQuery{Q: q.q})
				if err != nil {
					b.Fatal(err)
				}
				n = len(res)
			}
			b.ReportMetric(float64(n), "results")
		})
	}
}

// BenchmarkImport10k: `amparo import cases` of 10,000 rows into SQLite.
// Target: under 10 s.
func BenchmarkImport10k(b *testing.B) {
	var csv bytes.Buffer
	csv.WriteString("given_names,surname1,surname2,sex,birth_date,nationality,languages,interpreter_needed,encounter_place,encountered_at,separated,notes\n")
	for i := range 10_000 {
		fmt.Fprintf(&csv, "José %d,Hernández,López,M,2011-%02d-%02d,Honduras,Spanish,no,Rio Grande Valley sector,%s,no,row %d\n",
			i, 1+i%12, 1+i%28, benchNow.Add(-time.Duration(i)*time.Minute).Format(time.RFC3339), i)
	}
	ctx := auth.OperatorContext(context.Background(), "bench")
	for b.Loop() {
		b.StopTimer()
		db, err := store.Open(ctx, store.Config{DataDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		s := custody.New(db, facilities.New(db, nil), func() time.Time { return benchNow })
		b.StartTimer()
		res, err := s.ImportCases(ctx, bytes.NewReader(csv.Bytes()), nil)
		if err != nil {
			b.Fatal(err)
		}
		if res.Imported != 10_000 {
			b.Fatalf("imported %d: %+v", res.Imported, res.Errors[:min(5, len(res.Errors))])
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}
