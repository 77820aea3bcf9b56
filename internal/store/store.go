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
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
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
	// writer is SQLite's write gate (nil on PostgreSQL): a token that a
	// transaction takes before BEGIN and gives back after COMMIT or
	// ROLLBACK. See writeGate.
	writer chan struct{}
	// readers bounds SQLite's concurrent reads through Read (nil on
	// PostgreSQL). See Read.
	readers chan struct{}
	// stmts caches SQLite's prepared statements (nil on PostgreSQL).
	stmts *stmtCache
	// gate counts the write gate's use, for WriterStats.
	gate gateStats
}

// gateStats are SQLite's write gate figures, updated atomically.
type gateStats struct {
	n, waited, held, maxHeld, commit atomic.Int64 // count, nanoseconds
	queued                           atomic.Int64 // writers waiting for the gate now
	acquiredAt                       int64        // under the gate: when it was taken
}

// WriterStats says how SQLite's writers used the write gate since the
// database was opened: the load test prints it, to tell a queue for the
// lock from a lack of CPU. Zero on PostgreSQL.
type WriterStats struct {
	Writes  int64         // transactions and lone statements that passed the gate
	Waited  time.Duration // total time spent waiting for it
	Held    time.Duration // total time it was held
	MaxHeld time.Duration // longest single hold
	Commit  time.Duration // of Held, total time in COMMIT (the WAL's fsync)
	// Queued is how many writers wait for the gate at this moment: a
	// test holding the gate uses it to know that another caller has
	// reached it.
	Queued int64
}

// WriterStats returns the write gate's figures so far.
func (db *DB) WriterStats() WriterStats {
	return WriterStats{
		Writes: db.gate.n.Load(), Waited: time.Duration(db.gate.waited.Load()),
		Held: time.Duration(db.gate.held.Load()), MaxHeld: time.Duration(db.gate.maxHeld.Load()),
		Commit: time.Duration(db.gate.commit.Load()), Queued: db.gate.queued.Load(),
	}
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
	db := &DB{sql: sqldb, Dialect: SQLite, Path: path, writer: make(chan struct{}, 1), readers: make(chan struct{}, runtime.GOMAXPROCS(0)), stmts: newStmtCache(stmtCacheSize)}
	// Connections are kept rather than closed after each burst: each one
	// opened costs its pragmas and loses its prepared statements. The
	// default keeps two.
	sqldb.SetMaxIdleConns(64)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	// The first connection to a new file turns it to WAL; another process
	// doing the same at that moment is answered SQLITE_BUSY at once (the
	// busy timeout does not cover that switch), so two commands started on
	// one new data directory failed with "database is locked". It tries
	// again for as long as the busy timeout would have waited.
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := sqldb.PingContext(ctx)
		if err == nil {
			break
		}
		if !isBusy(err) || time.Now().After(deadline) || ctx.Err() != nil {
			sqldb.Close()
			return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
		}
		time.Sleep(20 * time.Millisecond)
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
func (db *DB) Close() error {
	if db.stmts != nil {
		db.stmts.close()
	}
	return db.sql.Close()
}

// SQL exposes the pool for the rare caller that needs it (backups, tests).
func (db *DB) SQL() *sql.DB { return db.sql }

type txKey struct{}

// txState is what the context carries for a transaction: the transaction
// and, on SQLite, the cached statements bound to it (one per query, not
// one per call: a large import runs a statement a million times).
type txState struct {
	tx    *sql.Tx
	stmts map[*cachedStmt]*sql.Stmt
}

func txOf(ctx context.Context) *sql.Tx {
	if st, ok := ctx.Value(txKey{}).(*txState); ok {
		return st.tx
	}
	return nil
}

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
	if tx := txOf(ctx); tx != nil {
		return tx
	}
	return db.sql
}

// Exec runs a statement written with `?` placeholders, inside the
// context's transaction if there is one. Outside one, on SQLite, it waits
// its turn at the write gate like a transaction.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if !InTx(ctx) && db.writer != nil {
		if err := db.lockWriter(ctx); err != nil {
			return nil, err
		}
		defer db.unlockWriter()
	}
	if cs, st := db.cached(ctx, query); st != nil {
		defer db.stmts.release(cs)
		return st.ExecContext(ctx, args...)
	}
	return db.q(ctx).ExecContext(ctx, db.Rebind(query), args...)
}

// cached returns query's cached statement and the statement to run: the
// cached one, or, inside a transaction, the same one on the transaction's
// connection (prepared there once, then reused by database/sql). It
// returns a nil statement when the query is to run unprepared: on
// PostgreSQL, for a statement that is not a plain query or change (PRAGMA,
// DDL, SAVEPOINT: some act when prepared, and on another connection), or
// when preparing fails (a table the transaction has just created is not
// there for the other connection that prepares; running it reports any
// real error).
func (db *DB) cached(ctx context.Context, query string) (*cachedStmt, *sql.Stmt) {
	if db.stmts == nil || !cacheable(query) {
		return nil, nil
	}
	cs, err := db.stmts.get(ctx, db.sql, query)
	if err != nil {
		return nil, nil
	}
	if ts, ok := ctx.Value(txKey{}).(*txState); ok {
		st, ok := ts.stmts[cs]
		if !ok {
			st = ts.tx.StmtContext(ctx, cs.stmt)
			ts.stmts[cs] = st
		}
		return cs, st
	}
	return cs, cs.stmt
}

// cacheable reports whether query is a plain query or change, the only
// statements worth keeping prepared and safe to prepare elsewhere.
func cacheable(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	if end := strings.IndexAny(q, " \t\r\n("); end >= 0 {
		q = q[:end]
	}
	switch strings.ToUpper(q) {
	case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE":
		return true
	}
	return false
}

// SQLite lets one writer at a time hold its lock, and every transaction
// here begins IMMEDIATE (it takes the write lock at BEGIN: a deferred one
// upgraded later can fail with SQLITE_BUSY, which the busy timeout does not
// retry). Left to SQLite, the writers waiting for the lock each poll it,
// sleeping longer after every miss (up to 100 ms at a time): under 50
// clients most got it at once but some waited seconds, and a few ran into
// the busy timeout. The gate makes them queue in Go instead: a writer
// waits on a channel, and each release hands the lock to the writer that
// has waited longest (blocked channel senders are served in order), so
// the wait is the queue's length and no more. A waiting request whose
// client has gone leaves the queue (ctx). Reads outside a transaction do
// not pass the gate: WAL lets them run beside the writer.
func (db *DB) lockWriter(ctx context.Context) error {
	start := time.Now()
	select {
	case db.writer <- struct{}{}:
	default:
		db.gate.queued.Add(1)
		select {
		case db.writer <- struct{}{}:
			db.gate.queued.Add(-1)
		case <-ctx.Done():
			db.gate.queued.Add(-1)
			return fmt.Errorf("store: wait for the write lock: %w", ctx.Err())
		}
	}
	now := time.Now()
	db.gate.n.Add(1)
	db.gate.waited.Add(int64(now.Sub(start)))
	db.gate.acquiredAt = now.UnixNano()
	return nil
}

func (db *DB) unlockWriter() {
	held := time.Now().UnixNano() - db.gate.acquiredAt
	db.gate.held.Add(held)
	if held > db.gate.maxHeld.Load() {
		db.gate.maxHeld.Store(held)
	}
	<-db.writer
}

// Read runs fn, the queries of a read, outside the write gate: audited
// reads query through Read and then write their audit row in a short
// transaction of its own, rather than queue behind every writer for their
// query. Inside a transaction fn runs in it. On SQLite at most GOMAXPROCS
// reads run at once, the others wait here (or until ctx ends): the
// driver is pure Go, so 50 reads at once made 50 runnable goroutines,
// and the writer holding the gate, back from its commit's fsync, waited
// behind them for a CPU (the load test's hold per write rose from 2.6 to
// 5 ms and the search rate halved). Bounded, the reads keep the CPUs
// busy and leave the writer its turn.
func (db *DB) Read(ctx context.Context, fn func(ctx context.Context) error) error {
	if db.readers == nil || InTx(ctx) {
		return fn(ctx)
	}
	select {
	case db.readers <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("store: wait to read: %w", ctx.Err())
	}
	defer func() { <-db.readers }()
	return fn(ctx)
}

// Query runs a query written with `?` placeholders.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if cs, st := db.cached(ctx, query); st != nil {
		defer db.stmts.release(cs)
		return st.QueryContext(ctx, args...)
	}
	return db.q(ctx).QueryContext(ctx, db.Rebind(query), args...)
}

// QueryRow runs a query that returns at most one row.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if cs, st := db.cached(ctx, query); st != nil {
		defer db.stmts.release(cs)
		return st.QueryRowContext(ctx, args...)
	}
	return db.q(ctx).QueryRowContext(ctx, db.Rebind(query), args...)
}

// Prepare prepares a statement written with `?` placeholders, on the
// context's transaction if there is one (the statement is then closed with
// it). Bulk writers use it to parse a long statement once.
func (db *DB) Prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if tx := txOf(ctx); tx != nil {
		return tx.PrepareContext(ctx, db.Rebind(query))
	}
	return db.sql.PrepareContext(ctx, db.Rebind(query))
}

// InTx reports whether ctx carries a transaction.
func InTx(ctx context.Context) bool {
	return txOf(ctx) != nil
}

// WithTx runs fn in a transaction carried by the context it receives. An
// outer transaction is reused, so functions that each use WithTx compose
// into one. fn's error (or a panic) rolls back.
func (db *DB) WithTx(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if InTx(ctx) {
		return fn(ctx)
	}
	if db.writer != nil {
		if err := db.lockWriter(ctx); err != nil {
			return err
		}
		defer db.unlockWriter()
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	return db.runTx(ctx, tx, fn)
}

// runTx runs fn in the begun transaction tx, carried by fn's context:
// fn's error (or a panic) rolls back; otherwise it commits and then runs
// the functions given to AfterCommit.
func (db *DB) runTx(ctx context.Context, tx *sql.Tx, fn func(ctx context.Context) error) (err error) {
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
	if err = fn(context.WithValue(context.WithValue(ctx, txKey{}, &txState{tx: tx, stmts: map[*cachedStmt]*sql.Stmt{}}), afterKey{}, &after)); err != nil {
		return err
	}
	commitStart := time.Now()
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	if db.writer != nil {
		db.gate.commit.Add(int64(time.Since(commitStart)))
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
