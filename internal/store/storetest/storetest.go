// Package storetest gives tests a fresh, migrated database on each engine:
// SQLite always, and PostgreSQL when AMPARO_TEST_DATABASE_URL is set or the
// PostgreSQL server binaries are installed (a throwaway cluster is started
// in a temporary directory and stopped when the tests end).
//
// A package that uses it calls storetest.Main from its TestMain.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/amparo-project/amparo/internal/store"
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
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "amparo_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", pgBaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", pgBaseURL)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	})
	u, _ := url.Parse(pgBaseURL)
	u.Path = "/" + name
	return u.String()
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
	bin := findPostgresBin()
	if bin == "" {
		pgWhy = "AMPARO_TEST_DATABASE_URL is not set and no PostgreSQL server binaries were found in /usr/lib/postgresql/*/bin (apt-get install postgresql)"
		return
	}
	u, stop, err := startCluster(bin)
	if err != nil {
		pgWhy = "could not start a throwaway PostgreSQL cluster: " + err.Error()
		return
	}
	pgBaseURL, pgStop = u, stop
}

func findPostgresBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	// Newest major version first.
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			return d
		}
	}
	return ""
}

// startCluster runs initdb and pg_ctl in a temporary directory. PostgreSQL
// refuses to run as root, so as root it runs them as the postgres user.
func startCluster(bin string) (string, func(), error) {
	dir, err := os.MkdirTemp("", "amparo-pg-")
	if err != nil {
		return "", nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return "", nil, err
	}
	var asUser []string
	if os.Geteuid() == 0 {
		pgUser, err := user.Lookup("postgres")
		if err != nil {
			return "", nil, fmt.Errorf("running as root and no postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(pgUser.Uid)
		gid, _ := strconv.Atoi(pgUser.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			return "", nil, err
		}
		asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	data := filepath.Join(dir, "data")
	cmd := func(name string, args ...string) *exec.Cmd {
		full := append(append([]string{}, asUser...), append([]string{filepath.Join(bin, name)}, args...)...)
		return exec.Command(full[0], full[1:]...)
	}
	if out, err := cmd("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", port, dir)
	if out, err := cmd("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	stop := func() {
		_ = cmd("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop").Run()
		os.RemoveAll(dir)
	}
	u := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	// The server may accept connections a moment after pg_ctl returns.
	deadline := time.Now().Add(30 * time.Second)
	for {
		db, err := sql.Open("pgx", u)
		if err == nil {
			err = db.Ping()
			db.Close()
		}
		if err == nil {
			return u, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("server did not answer: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
