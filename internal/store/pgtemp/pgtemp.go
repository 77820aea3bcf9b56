// Package pgtemp starts a throwaway PostgreSQL cluster in a temporary
// directory, for the tests (storetest) and the load and crash tests,
// which need a server of their own and must leave nothing behind.
package pgtemp

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver, registered as "pgx"
)

// ErrNoServer is returned by Start when no PostgreSQL server binaries are
// installed.
var ErrNoServer = errors.New("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin (apt-get install postgresql)")

// Cluster is a running throwaway server.
type Cluster struct {
	// URL is the admin URL of the server (database postgres).
	URL  string
	stop func()
}

// Options tune the server. The zero value is what tests want.
type Options struct {
	// Durable keeps fsync on. Tests turn it off for speed; a crash test or
	// a load test that reports commit latency must not.
	Durable bool
}

// Available reports whether the server binaries are installed.
func Available() bool { return findBin() != "" }

// Start runs initdb and pg_ctl in a temporary directory. PostgreSQL
// refuses to run as root, so as root it runs them as the postgres user.
func Start(ctx context.Context, opt Options) (*Cluster, error) {
	bin := findBin()
	if bin == "" {
		return nil, ErrNoServer
	}
	dir, err := os.MkdirTemp("", "amparo-pg-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	var asUser []string
	if os.Geteuid() == 0 {
		pgUser, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and no postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(pgUser.Uid)
		gid, _ := strconv.Atoi(pgUser.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	data := filepath.Join(dir, "data")
	cmd := func(name string, args ...string) *exec.Cmd {
		full := append(append([]string{}, asUser...), append([]string{filepath.Join(bin, name)}, args...)...)
		return exec.Command(full[0], full[1:]...)
	}
	if out, err := cmd("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200", port, dir)
	if !opt.Durable {
		opts += " -c fsync=off"
	}
	if out, err := cmd("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	c := &Cluster{
		URL: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port),
		stop: func() {
			_ = cmd("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop").Run()
			os.RemoveAll(dir)
		},
	}
	// The server may accept connections a moment after pg_ctl returns.
	deadline := time.Now().Add(30 * time.Second)
	for {
		db, err := sql.Open("pgx", c.URL)
		if err == nil {
			err = db.PingContext(ctx)
			db.Close()
		}
		if err == nil {
			return c, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			c.Stop()
			return nil, fmt.Errorf("server did not answer: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Stop stops the server at once and removes its directory.
func (c *Cluster) Stop() {
	if c != nil && c.stop != nil {
		c.stop()
	}
}

// NewDatabase creates an empty database with a random name on the server
// at adminURL and returns its URL and a function that drops it.
func NewDatabase(ctx context.Context, adminURL string) (string, func(), error) {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "amparo_test_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", adminURL)
	if err != nil {
		return "", nil, err
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, fmt.Errorf("create database: %w", err)
	}
	drop := func() {
		admin, err := sql.Open("pgx", adminURL)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		drop()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), drop, nil
}

func findBin() string {
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

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
