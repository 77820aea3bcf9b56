package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
)

// storeFlags are --data and --database-url, which every subcommand takes.
// Their defaults come from AMPARO_DATA and AMPARO_DATABASE_URL, so that a
// deployment sets them once.
type storeFlags struct {
	data    string
	url     string
	timeout time.Duration
}

func addStoreFlags(fs *flag.FlagSet) *storeFlags {
	sf := &storeFlags{}
	fs.StringVar(&sf.data, "data", envOr("AMPARO_DATA", "./amparo-data"), "data directory holding the embedded SQLite database (env AMPARO_DATA)")
	fs.StringVar(&sf.url, "database-url", os.Getenv("AMPARO_DATABASE_URL"), "PostgreSQL URL, postgres://user:pass@host/db; overrides --data (env AMPARO_DATABASE_URL)")
	fs.DurationVar(&sf.timeout, "statement-timeout", envDuration("AMPARO_STATEMENT_TIMEOUT", store.DefaultStatementTimeout),
		"PostgreSQL: longest time one SQL statement may run, 0 for no limit (env AMPARO_STATEMENT_TIMEOUT)")
	return sf
}

// envDuration reads a duration from the environment, def when it is unset
// or not a duration.
func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// pgTimeout turns the flag's "0 is no limit" into store.Config's
// "negative is no limit".
func pgTimeout(d time.Duration) time.Duration {
	if d == 0 {
		return -1
	}
	return d
}

// open opens the database and brings its schema up to date.
func (sf *storeFlags) open(ctx context.Context) (*store.DB, error) {
	db, err := store.Open(ctx, store.Config{DataDir: sf.data, DatabaseURL: sf.url, StatementTimeout: pgTimeout(sf.timeout)})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// operatorContext marks changes made from the command line: the audit log
// names the operating-system user who ran the command.
func operatorContext(ctx context.Context) context.Context {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	ctx = auth.OperatorContext(ctx, name)
	return audit.WithRequestID(ctx, "cli-"+auth.RandomToken(6))
}

// openInput opens a file an import reads, refusing a directory by name
// (reading one failed later with a message about an empty file or a
// missing header). The error names the path once: os.Open's already does.
func openInput(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%s is a directory, not a file", path)
	}
	return f, nil
}

// importInput opens the file an import reads (--file, required) and the
// database it writes to; the caller closes both.
func (sf *storeFlags) importInput(ctx context.Context, file string) (*os.File, *store.DB, error) {
	if file == "" {
		return nil, nil, usagef("--file is required")
	}
	f, err := openInput(file)
	if err != nil {
		return nil, nil, err
	}
	db, err := sf.open(ctx)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, db, nil
}
