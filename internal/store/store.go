// Package store opens Amparo's database (embedded SQLite by default,
// PostgreSQL for shared deployments), applies the migrations, and carries
// transactions in the context so that domain code composes.
//
// Queries are written once with `?` placeholders; the few dialect
// differences live in dialect.go.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/errs"
	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver, registered as "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite driver, registered as "sqlite"
)

// ErrNotFound is wrapped by every lookup that finds no row; it is
// errs.ErrNotFound, which domains use.
var ErrNotFound = errs.ErrNotFound

// ErrConflict is wrapped when a write would break a uniqueness rule; it is
// errs.ErrConflict.
var ErrConflict = errs.ErrConflict

// DB is the database handle shared by the whole process.
type DB struct {
	sql     *sql.DB
	Dialect Dialect
	// Path is the SQLite file, empty on PostgreSQL.
	Path string
	// migrateURL is the PostgreSQL URL without the statement timeout
	// Open added: migrations (an index built on a large table) may run
	// longer than any request.
	migrateURL string
}

// Config says where the data lives.
type Config struct {
	// DataDir holds the SQLite database (amparo.db) when DatabaseURL is empty.
	DataDir string
	// DatabaseURL, when set, is a postgres:// URL.
	DatabaseURL string
	// StatementTimeout bounds every statement on PostgreSQL, so that no
	// request can keep a backend busy after its client has gone: 0 means
	// DefaultStatementTimeout, a negative value none. A statement_timeout
	// already in DatabaseURL wins. SQLite has no such setting: its
	// statements are cancelled through their context.
	StatementTimeout time.Duration
}

// DefaultStatementTimeout is PostgreSQL's statement timeout unless
// configured: longer than any request (2 minutes' write timeout aside,
// every query Amparo runs takes milliseconds), short enough that a
// runaway query is stopped.
const DefaultStatementTimeout = 30 * time.Second

// SQLiteFile is the database file's name inside the data directory.
const SQLiteFile = "amparo.db"

// Open connects to the database described by cfg. It does not migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.DatabaseURL != "" {
		db, err := openPostgres(ctx, withStatementTimeout(cfg.DatabaseURL, cfg.StatementTimeout))
		if err == nil {
			db.migrateURL = cfg.DatabaseURL
		}
		return db, err
	}
	if cfg.DataDir == "" {
		return nil, errors.New("store: open: a data directory or a database URL is required")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("store: create data directory: %w", err)
	}
	return OpenSQLiteFile(ctx, filepath.Join(cfg.DataDir, SQLiteFile))
}

// OpenSQLiteFile opens (creating if needed) one SQLite file.
func OpenSQLiteFile(ctx context.Context, path string) (*DB, error) {
	// WAL lets readers work while one writer writes; synchronous=FULL makes
	// an acknowledged commit survive power loss, not only a crash of the
	// process; _txlock=immediate takes the write lock at BEGIN so that two
	// writers never deadlock upgrading read locks.
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		"synchronous(FULL)",
		"foreign_keys(1)",
		"busy_timeout(10000)",
	} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	dsn := "file:" + path + "?" + q.Encode()
	sqldb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	db := &DB{sql: sqldb, Dialect: SQLite, Path: path}
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	return db, nil
}

func openPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	if !strings.HasPrefix(databaseURL, "postgres://") && !strings.HasPrefix(databaseURL, "postgresql://") {
		return nil, errors.New("store: open: --database-url must start with postgres://")
	}
	sqldb, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	sqldb.SetMaxOpenConns(20)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqldb.PingContext(pingCtx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("store: connect to postgres: %w", err)
	}
	return &DB{sql: sqldb, Dialect: Postgres}, nil
}

// withStatementTimeout adds statement_timeout (milliseconds) to a
// PostgreSQL URL as a run-time parameter, which pgx sends when it opens
// each connection of the pool.
func withStatementTimeout(databaseURL string, d time.Duration) string {
	if d == 0 {
		d = DefaultStatementTimeout
	}
	u, err := url.Parse(databaseURL)
	if err != nil || d < 0 || u.Query().Has("statement_timeout") {
		return databaseURL // a bad URL is reported by openPostgres
	}
	q := u.Query()
	q.Set("statement_timeout", strconv.FormatInt(max(d.Milliseconds(), 1), 10)) // 0 would be none
	u.RawQuery = q.Encode()
	return u.String()
}

// Close closes the pool; on SQLite the last close checkpoints the WAL.
func (db *DB) Close() error { return db.sql.Close() }

// SQL exposes the pool for the rare caller that needs it (backups, tests).
func (db *DB) SQL() *sql.DB { return db.sql }

type txKey struct{}

// afterKey holds the functions to run once the context's transaction has
// committed (AfterCommit).
type afterKey struct{}

// querier is what *sql.DB and *sql.Tx share.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (db *DB) q(ctx context.Context) querier {
	if tx, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return tx
	}
	return db.sql
}

// Exec runs a statement written with `?` placeholders, inside the
// context's transaction if there is one.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return db.q(ctx).ExecContext(ctx, db.Rebind(query), args...)
}

// Query runs a query written with `?` placeholders.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return db.q(ctx).QueryContext(ctx, db.Rebind(query), args...)
}

// QueryRow runs a query that returns at most one row.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.q(ctx).QueryRowContext(ctx, db.Rebind(query), args...)
}

// Prepare prepares a statement written with `?` placeholders, on the
// context's transaction if there is one (the statement is then closed with
// it). Bulk writers use it to parse a long statement once.
func (db *DB) Prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if tx, ok := ctx.Value(txKey{}).(*sql.Tx); ok {
		return tx.PrepareContext(ctx, db.Rebind(query))
	}
	return db.sql.PrepareContext(ctx, db.Rebind(query))
}

// InTx reports whether ctx carries a transaction.
func InTx(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*sql.Tx)
	return ok
}

// WithTx runs fn in a transaction carried by the context it receives. An
// outer transaction is reused, so functions that each use WithTx compose
// into one. fn's error (or a panic) rolls back.
func (db *DB) WithTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if InTx(ctx) {
		return fn(ctx)
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	var after []func()
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(context.WithValue(context.WithValue(ctx, txKey{}, tx), afterKey{}, &after)); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	for _, f := range after {
		f()
	}
	return nil
}

// AfterCommit runs f once the context's outermost transaction has
// committed, and never when it rolls back; without a transaction it runs
// f at once. Domains use it to tell others of a change only when the
// change is there to be read.
func AfterCommit(ctx context.Context, f func()) {
	if after, ok := ctx.Value(afterKey{}).(*[]func()); ok && InTx(ctx) {
		*after = append(*after, f)
		return
	}
	f()
}

// IsNoRows reports whether err is sql.ErrNoRows.
func IsNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
