// Package storetest gives tests a fresh, migrated database on each engine:
// SQLite always, and PostgreSQL when AMPARO_TEST_DATABASE_URL is set or the
// PostgreSQL server binaries are installed (a throwaway cluster is started
// in a temporary directory and stopped when the tests end).
//
// A package that uses it calls storetest.Main from its TestMain.
package storetest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/pgtemp"
)

var (
	pgOnce    sync.Once
	pgBaseURL string // admin URL of the server, "" when none
	pgWhy     string // why PostgreSQL tests are skipped
	pgStop    func()
)

// Main runs the package's tests and stops any cluster started for them.
func Main(m *testing.M) {
	// Migrations and servers log at Info; in tests that drowns the
	// failures. AMPARO_TEST_LOG=1 brings the logs back.
	if os.Getenv("AMPARO_TEST_LOG") == "" {
		slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	}
	code := m.Run()
	if pgStop != nil {
		pgStop()
	}
	os.Exit(code)
}

// Engine is one database engine under test.
type Engine struct {
	Name string
	Open func(t testing.TB) *store.DB
}

// Engines returns SQLite and, when available, PostgreSQL. When PostgreSQL
// is not available it says so loudly, once per package.
func Engines(t testing.TB) []Engine {
	engines := []Engine{{Name: "sqlite", Open: OpenSQLite}}
	pgOnce.Do(setupPostgres)
	if pgBaseURL != "" {
		engines = append(engines, Engine{Name: "postgres", Open: OpenPostgres})
	} else {
		warnOnce.Do(func() {
			fmt.Fprintf(os.Stderr, "\n*** storetest: PostgreSQL tests SKIPPED: %s ***\n\n", pgWhy)
		})
	}
	return engines
}

var warnOnce sync.Once

// Each runs f as a subtest once per engine, with a fresh migrated database.
func Each(t *testing.T, f func(t *testing.T, db *store.DB)) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			f(t, e.Open(t))
		})
	}
}

// OpenSQLite returns a migrated SQLite database in a temporary directory.
func OpenSQLite(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// OpenPostgres returns a migrated, newly created PostgreSQL database, or
// skips the test when no server is available.
func OpenPostgres(t testing.TB) *store.DB {
	t.Helper()
	pgOnce.Do(setupPostgres)
	if pgBaseURL == "" {
		t.Skipf("PostgreSQL tests skipped: %s", pgWhy)
	}
	u := NewPostgresDatabase(t)
	ctx := context.Background()
	db, err := store.Open(ctx, store.Config{DatabaseURL: u})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// NewPostgresDatabase creates an empty database on the test server and
// returns its URL; it is dropped when the test ends.
func NewPostgresDatabase(t testing.TB) string {
	t.Helper()
	pgOnce.Do(setupPostgres)
	if pgBaseURL == "" {
		t.Skipf("PostgreSQL tests skipped: %s", pgWhy)
	}
	u, drop, err := pgtemp.NewDatabase(context.Background(), pgBaseURL)
	if err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(drop)
	return u
}

// PostgresAvailable reports whether PostgreSQL tests will run.
func PostgresAvailable() bool {
	pgOnce.Do(setupPostgres)
	return pgBaseURL != ""
}

func setupPostgres() {
	if u := os.Getenv("AMPARO_TEST_DATABASE_URL"); u != "" {
		pgBaseURL = u
		return
	}
	if !pgtemp.Available() {
		pgWhy = "AMPARO_TEST_DATABASE_URL is not set and " + pgtemp.ErrNoServer.Error()
		return
	}
	c, err := pgtemp.Start(context.Background(), pgtemp.Options{})
	if err != nil {
		pgWhy = "could not start a throwaway PostgreSQL cluster: " + err.Error()
		return
	}
	pgBaseURL, pgStop = c.URL, c.Stop
}
