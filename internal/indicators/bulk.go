package indicators

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/jackc/pgx/v5"
)

// A source's first import can only insert, so its values are written in
// bulk, the way each engine does it fastest through database/sql:
//
//   - SQLite: one multi-row INSERT of sqliteBulkRows rows, prepared once per
//     import and re-run for every full batch (parsing a statement of 20,000
//     placeholders costs about as much as running it), with a larger page
//     cache and the statement journal in memory for the import's
//     transaction (importTuning).
//   - PostgreSQL: COPY of postgresBulkRows rows at a time, through pgx on
//     the connection that holds the import's transaction (the import runs
//     in store.WithConnTx, store.PgxConn reaches the connection): the
//     values are part of the one transaction, all or nothing. Inside an
//     outer transaction begun elsewhere there is no such connection, and
//     one INSERT ... SELECT FROM unnest(arrays) per batch is used instead
//     (eight array parameters whatever the batch size).
//
// A re-import looks each value up (putValue) to keep revisions.

// sqliteBulkRows: 11 parameters a row, under SQLite's 32,766.
const sqliteBulkRows = 2000

// postgresBulkRows: rows per COPY or unnest statement.
const postgresBulkRows = 10000

// postgresBulk is how PostgreSQL writes a batch: "copy" (falling back to
// "unnest" without a pgx connection), or, for the benchmarks' comparison,
// "unnest" or "values" (SQLite's multi-row INSERT).
var postgresBulk = "copy"

// importTuning are the SQLite settings of an import's connection while its
// transaction runs, restored afterwards: a 128 MiB page cache (a large
// import's indexes no longer spill to disk before the commit) and
// temporary files (the statement journal of a multi-row INSERT) in
// memory. They change speed only, never what is stored or when it is
// durable.
var importTuning = []struct{ pragma, value string }{
	{"cache_size", "-131072"},
	{"temp_store", "2"},
}

// bulkWriter holds the prepared full-batch statement of one import and
// what it knows of the index it may set aside.
type bulkWriter struct {
	full *sql.Stmt
	args []any // the full statement's arguments, reused
	// before is the table's size when the import began (the highest id, a
	// cheap upper bound); dropped is set while the secondary index is set
	// aside (SQLite, large first imports: deferIndexAfter).
	before  int64
	dropped bool
}

// secondaryIndexName and secondaryIndexDDL are the migration's index on ind_values(indicator,
// country) (00300_indicators.sql; TestSecondaryIndexMatchesMigration
// compares them). Filled row by row it is updated at as many places as
// the file has indicators; built once at the end it is one sort.
const (
	secondaryIndexName = "ind_values_indicator"
	secondaryIndexDDL  = "CREATE INDEX ind_values_indicator ON ind_values(indicator, country)"
)

// deferIndexAfter: on SQLite, once a source's first import has inserted
// this many values and more than the table held before it, the secondary
// index is dropped inside the import's transaction and rebuilt before it
// commits (readers never see it missing; a failed import rolls both
// back). A small import into a large table keeps the index: rebuilding
// it would cost more than filling it.
const deferIndexAfter = 50000

const bulkColumns = `INSERT INTO ind_values (country, indicator, scope, period, value, value_text, source_id, cite_url, note, run_id, updated_at) `

// bulkRows is how many values one batch holds on this engine.
func (imp *importer) bulkRows() int {
	if imp.db.Dialect == store.Postgres && postgresBulk != "values" {
		return postgresBulkRows
	}
	return sqliteBulkRows
}

// tune applies importTuning on SQLite and returns what restores the
// connection's settings; it must run before the transaction ends.
func (imp *importer) tune(ctx context.Context) (restore func(), err error) {
	if imp.db.Dialect != store.SQLite {
		return func() {}, nil
	}
	if err := imp.db.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM ind_values`).Scan(&imp.bulk.before); err != nil {
		return nil, fmt.Errorf("indicators: size of ind_values: %w", err)
	}
	old := make([]string, len(importTuning))
	for i, t := range importTuning {
		if err := imp.db.QueryRow(ctx, "PRAGMA "+t.pragma).Scan(&old[i]); err != nil {
			return nil, fmt.Errorf("indicators: read pragma %s: %w", t.pragma, err)
		}
		if _, err := imp.db.Exec(ctx, "PRAGMA "+t.pragma+" = "+t.value); err != nil {
			return nil, fmt.Errorf("indicators: pragma %s: %w", t.pragma, err)
		}
	}
	return func() {
		_ = imp.rebuildIndex(ctx) // never leave it dropped in an outer transaction
		for i, t := range importTuning {
			_, _ = imp.db.Exec(ctx, "PRAGMA "+t.pragma+" = "+old[i])
		}
		if imp.bulk.full != nil {
			imp.bulk.full.Close()
			imp.bulk.full = nil
		}
	}, nil
}

// deferIndex drops the secondary index when the import has become large
// (deferIndexAfter); rebuildIndex puts it back before the commit.
func (imp *importer) deferIndex(ctx context.Context, n int64) error {
	if imp.db.Dialect != store.SQLite || imp.bulk.dropped || n < deferIndexAfter || n <= imp.bulk.before {
		return nil
	}
	if _, err := imp.db.Exec(ctx, "DROP INDEX "+secondaryIndexName); err != nil {
		return err
	}
	imp.bulk.dropped = true
	return nil
}

func (imp *importer) rebuildIndex(ctx context.Context) error {
	if !imp.bulk.dropped {
		return nil
	}
	// The index is sorted through temporary files, with the default page
	// cache as the sorter's memory: a sort of millions of keys in memory
	// would hold them all.
	for _, p := range []string{"PRAGMA temp_store = 1", "PRAGMA cache_size = -2000"} {
		if _, err := imp.db.Exec(ctx, p); err != nil {
			return fmt.Errorf("indicators: %s: %w", p, err)
		}
	}
	if _, err := imp.db.Exec(ctx, secondaryIndexDDL); err != nil {
		return fmt.Errorf("indicators: rebuild %s: %w", secondaryIndexName, err)
	}
	imp.bulk.dropped = false
	return nil
}

// flush hands the batched values to the writer (or, without one, writes
// them) and starts a new batch.
func (imp *importer) flush(ctx context.Context) error {
	if len(imp.batch) == 0 {
		return nil
	}
	p := imp.pipe
	if p == nil {
		err := imp.writeBatch(ctx, imp.batch, imp.rep.Inserted)
		imp.batch = imp.batch[:0]
		if err != nil {
			imp.err = err
		}
		return err
	}
	if p.failed.Load() {
		imp.err = imp.stopPipe()
		return imp.err
	}
	p.todo <- bulkJob{batch: imp.batch, inserted: imp.rep.Inserted}
	select {
	case b := <-p.free:
		imp.batch = b
	default:
		imp.batch = make([]Record, 0, imp.bulkRows())
	}
	return nil
}

// writeBatch stores one batch: the countries and indicators it names
// that are not stored yet, then its values. inserted is the import's
// count of values once the batch is stored (deferIndex).
func (imp *importer) writeBatch(ctx context.Context, batch []Record, inserted int64) error {
	for i := range batch {
		if err := imp.ensureRefs(ctx, batch[i]); err != nil {
			return err
		}
	}
	if err := imp.deferIndex(ctx, inserted); err != nil {
		return fmt.Errorf("indicators: set index aside: %w", err)
	}
	var err error
	switch {
	case imp.db.Dialect != store.Postgres || postgresBulk == "values":
		err = imp.flushValues(ctx, batch)
	case postgresBulk == "copy":
		err = imp.flushCopy(ctx, batch)
		if errors.Is(err, store.ErrNoPgxConn) {
			err = imp.flushUnnest(ctx, batch)
		}
	default:
		err = imp.flushUnnest(ctx, batch)
	}
	if err != nil {
		return fmt.Errorf("indicators: store values: %w", err)
	}
	return nil
}

// bulkPipe is the writer of a source's first import: a goroutine that
// stores the batches, in order, while the file goes on being read and
// checked (the CSV, the numbers and the statements' arguments on one
// core, the engine on the other). Only the writer uses the transaction
// while it runs; other writes of the import wait for it (sync).
type bulkPipe struct {
	todo   chan bulkJob
	free   chan []Record // written batches, to be filled again
	done   chan struct{} // closed when the writer has returned
	failed atomic.Bool
	err    error // the writer's first error, read once done is closed
}

// bulkJob is a batch to store, or, with ack, a barrier closed once every
// batch before it is stored.
type bulkJob struct {
	batch    []Record
	inserted int64
	ack      chan struct{}
}

// startPipe starts the writer.
func (imp *importer) startPipe(ctx context.Context) {
	p := &bulkPipe{todo: make(chan bulkJob, 1), free: make(chan []Record, 2), done: make(chan struct{})}
	imp.pipe = p
	go func() {
		defer close(p.done)
		for job := range p.todo {
			if job.ack != nil {
				close(job.ack)
				continue
			}
			if p.err == nil {
				if err := imp.writeBatch(ctx, job.batch, job.inserted); err != nil {
					p.err = err
					p.failed.Store(true)
				}
			}
			select {
			case p.free <- job.batch[:0]:
			default:
			}
		}
	}()
}

// sync waits until the writer has stored every batch handed to it, so
// that the caller may use the transaction.
func (imp *importer) sync() error {
	p := imp.pipe
	if p == nil {
		return nil
	}
	ack := make(chan struct{})
	p.todo <- bulkJob{ack: ack}
	<-ack
	if p.failed.Load() {
		return imp.stopPipe()
	}
	return nil
}

// stopPipe waits for the writer to store what it was given and stop, and
// returns its error. It runs before the transaction ends, whatever
// happened; a second call returns nil.
func (imp *importer) stopPipe() error {
	p := imp.pipe
	if p == nil {
		return nil
	}
	imp.pipe = nil
	close(p.todo)
	<-p.done
	return p.err
}

// flushValues is SQLite's multi-row INSERT; a full batch re-runs the
// statement prepared for the import, with the source, run and time
// written into it (eight arguments a row rather than eleven: binding is
// a sixth of the import's time), the last (short) one is written out.
func (imp *importer) flushValues(ctx context.Context, batch []Record) error {
	n := len(batch)
	if n == sqliteBulkRows {
		if imp.bulk.full == nil {
			st, err := imp.db.Prepare(ctx, fullStatement(n, imp.sourceID, imp.runID, store.FormatTime(imp.now())))
			if err != nil {
				return err
			}
			imp.bulk.full = st
		}
		args := imp.bulk.args[:0]
		for _, rec := range batch {
			var v any
			if !rec.IsText {
				v = rec.Value
			}
			args = append(args, rec.Country, rec.Indicator, rec.Scope, rec.Period, v, rec.Text, rec.CiteURL, rec.Note)
		}
		imp.bulk.args = args
		_, err := imp.bulk.full.ExecContext(ctx, args...)
		return err
	}
	args := make([]any, 0, n*11)
	now := store.FormatTime(imp.now())
	for _, rec := range batch {
		var v any
		if !rec.IsText {
			v = rec.Value
		}
		args = append(args, rec.Country, rec.Indicator, rec.Scope, rec.Period, v, rec.Text, imp.sourceID, rec.CiteURL, rec.Note, imp.runID, now)
	}
	_, err := imp.db.Exec(ctx, valuesStatement(n), args...)
	return err
}

// fullStatement is an INSERT of n rows of eight placeholders, the source,
// run and time (store.FormatTime: no quote) written in.
func fullStatement(n int, source, run int64, now string) string {
	row := fmt.Sprintf("(?, ?, ?, ?, ?, ?, %d, ?, ?, %d, '%s')", source, run, now)
	var b strings.Builder
	b.Grow(len(bulkColumns) + 8 + n*(len(row)+2))
	b.WriteString(bulkColumns)
	b.WriteString("VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// valuesStatement is an INSERT of n rows of placeholders.
func valuesStatement(n int) string {
	var b strings.Builder
	b.Grow(len(bulkColumns) + 8 + n*36)
	b.WriteString(bulkColumns)
	b.WriteString("VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
	}
	return b.String()
}

// unnestStatement inserts one row per element of eight arrays; the source,
// run and time are the same for every row.
const unnestStatement = bulkColumns + `SELECT c, i, s, p, v, t, $7, u, n, $10, $11
	FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::text[], $8::text[], $9::text[]) AS b(c, i, s, p, v, t, u, n)`

// flushUnnest is PostgreSQL's bulk insert.
func (imp *importer) flushUnnest(ctx context.Context, batch []Record) error {
	n := len(batch)
	country, ind, scope, period := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	text, cite, note := make([]string, n), make([]string, n), make([]string, n)
	val := make([]*float64, n)
	for k, rec := range batch {
		country[k], ind[k], scope[k], period[k] = rec.Country, rec.Indicator, rec.Scope, rec.Period
		text[k], cite[k], note[k] = rec.Text, rec.CiteURL, rec.Note
		if !rec.IsText {
			v := rec.Value
			val[k] = &v
		}
	}
	_, err := imp.db.Exec(ctx, unnestStatement, country, ind, scope, period, val, text, imp.sourceID, cite, note, imp.runID, store.FormatTime(imp.now()))
	return err
}

// copyColumns are ind_values' columns in the order copyRows gives them.
var copyColumns = []string{"country", "indicator", "scope", "period", "value", "value_text", "source_id", "cite_url", "note", "run_id", "updated_at"}

// flushCopy is PostgreSQL's COPY of the batch, on the connection of the
// import's transaction.
func (imp *importer) flushCopy(ctx context.Context, batch []Record) error {
	src := &copyRows{batch: batch, source: imp.sourceID, run: imp.runID, now: store.FormatTime(imp.now()), row: make([]any, len(copyColumns)), next: -1}
	return store.PgxConn(ctx, func(c *pgx.Conn) error {
		_, err := c.CopyFrom(ctx, pgx.Identifier{"ind_values"}, copyColumns, src)
		return err
	})
}

// copyRows is a batch as pgx.CopyFromSource; one row slice is reused (pgx
// encodes each row before it asks for the next).
type copyRows struct {
	batch       []Record
	source, run int64
	now         string
	row         []any
	next        int
}

func (r *copyRows) Next() bool { r.next++; return r.next < len(r.batch) }

func (r *copyRows) Values() ([]any, error) {
	rec := &r.batch[r.next]
	var v any
	if !rec.IsText {
		v = rec.Value
	}
	r.row[0], r.row[1], r.row[2], r.row[3], r.row[4], r.row[5] = rec.Country, rec.Indicator, rec.Scope, rec.Period, v, rec.Text
	r.row[6], r.row[7], r.row[8], r.row[9], r.row[10] = r.source, rec.CiteURL, rec.Note, r.run, r.now
	return r.row, nil
}

func (r *copyRows) Err() error { return nil }
