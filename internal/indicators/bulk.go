package indicators

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/jackc/pgx/v5"
)

// A source's first import can only insert, so its values are written in
// bulk, the way each engine does it fastest through database/sql:
//
//   - the batch's new series (country, indicator, scope under the source)
//     first, in one multi-row INSERT ... RETURNING id (addSeries); a value
//     row names its series by that id (migration 00302);
//   - SQLite: one multi-row INSERT of sqliteBulkRows points, prepared once
//     per import and re-run for every full batch (parsing a statement of
//     thousands of placeholders costs about as much as running it), with a
//     larger page cache and the statement journal in memory for the
//     import's transaction (importTuning).
//   - PostgreSQL: COPY of postgresBulkRows rows at a time, through pgx on
//     the connection that holds the import's transaction (the import runs
//     in store.WithConnTx, store.PgxConn reaches the connection): the
//     values are part of the one transaction, all or nothing. Inside an
//     outer transaction begun elsewhere there is no such connection, and
//     one INSERT ... SELECT FROM unnest(arrays) per batch is used instead.
//
// A re-import looks each value up (putValue) to keep revisions.

// sqliteBulkRows: at most 6 parameters a point, under SQLite's 32,766.
const sqliteBulkRows = 2000

// postgresBulkRows: rows per COPY or unnest statement.
const postgresBulkRows = 10000

// seriesBulkRows: new series per INSERT (at most 4 parameters each,
// under both engines' limits).
const seriesBulkRows = 1000

// postgresBulk is how PostgreSQL writes a batch: "copy" (falling back to
// "unnest" without a pgx connection), or, for the benchmarks' comparison,
// "unnest" or "values" (SQLite's multi-row INSERT).
var postgresBulk = "copy"

// importTuning are the SQLite settings of an import's connection while its
// transaction runs, restored afterwards: a 128 MiB page cache (a large
// import's pages no longer spill to disk before the commit) and
// temporary files (the statement journal of a multi-row INSERT) in
// memory. They change speed only, never what is stored or when it is
// durable.
var importTuning = []struct{ pragma, value string }{
	{"cache_size", "-131072"},
	{"temp_store", "2"},
}

// bulkWriter holds the prepared full-batch statements of one import.
type bulkWriter struct {
	full  *sql.Stmt // points with citations or notes: six arguments a row
	plain *sql.Stmt // points without: four
	args  []any     // the full statements' arguments, reused
	ids   []int64   // the batch's series ids, reused
	// On SQLite the import's transaction holds the write lock from BEGIN
	// (IMMEDIATE), so it numbers its new series itself (nextSeries, 0
	// until read) and stores them seriesBulkRows at a time through one
	// prepared statement (seriesStmt); pending are those not stored yet
	// (flushSeries stores the rest before the transaction ends).
	nextSeries int64
	pending    []any // id, country, indicator, scope of each
	seriesStmt *sql.Stmt
}

// seriesKey names a series within the import's source.
type seriesKey struct{ country, indicator, scope string }

const pointColumns = `INSERT INTO ind_points (series_id, period, value, value_text, cite_url, note, run_id) `

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
		for i, t := range importTuning {
			_, _ = imp.db.Exec(ctx, "PRAGMA "+t.pragma+" = "+old[i])
		}
		for _, st := range []**sql.Stmt{&imp.bulk.full, &imp.bulk.plain, &imp.bulk.seriesStmt} {
			if *st != nil {
				(*st).Close()
				*st = nil
			}
		}
	}, nil
}

// flush hands the batched values to the writer (or, without one, writes
// them) and starts a new batch.
func (imp *importer) flush(ctx context.Context) error {
	if len(imp.batch) == 0 {
		return nil
	}
	p := imp.pipe
	if p == nil {
		err := imp.writeBatch(ctx, imp.batch)
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
	p.todo <- bulkJob{batch: imp.batch}
	select {
	case b := <-p.free:
		imp.batch = b
	default:
		imp.batch = make([]Record, 0, imp.bulkRows())
	}
	return nil
}

// writeBatch stores one batch: the countries, indicators and series it
// names that are not stored yet, then its values.
func (imp *importer) writeBatch(ctx context.Context, batch []Record) error {
	for i := range batch {
		if err := imp.ensureRefs(ctx, batch[i]); err != nil {
			return err
		}
	}
	ids, err := imp.addSeries(ctx, batch)
	if err != nil {
		return err
	}
	switch {
	case imp.db.Dialect != store.Postgres || postgresBulk == "values":
		err = imp.flushValues(ctx, batch, ids)
	case postgresBulk == "copy":
		err = imp.flushCopy(ctx, batch, ids)
		if errors.Is(err, store.ErrNoPgxConn) {
			err = imp.flushUnnest(ctx, batch, ids)
		}
	default:
		err = imp.flushUnnest(ctx, batch, ids)
	}
	if err != nil {
		return fmt.Errorf("indicators: store values: %w", err)
	}
	return nil
}

// addSeries returns the series id of each record of a fresh source's
// batch, storing the series not stored yet (a file's rows give a series'
// values one after another: a record of the same series as the one before
// it needs no look-up).
func (imp *importer) addSeries(ctx context.Context, batch []Record) ([]int64, error) {
	ids := imp.bulk.ids[:0]
	var fresh []seriesKey
	for i := range batch {
		rec := &batch[i]
		if i > 0 {
			if prev := &batch[i-1]; prev.Country == rec.Country && prev.Indicator == rec.Indicator && prev.Scope == rec.Scope {
				ids = append(ids, ids[i-1])
				continue
			}
		}
		k := seriesKey{rec.Country, rec.Indicator, rec.Scope}
		id, ok := imp.series[k]
		if !ok {
			// Cloned: a CSV record's fields share one string with the whole line.
			k = seriesKey{strings.Clone(k.country), strings.Clone(k.indicator), strings.Clone(k.scope)}
			imp.series[k] = 0
			fresh = append(fresh, k)
		}
		ids = append(ids, id)
	}
	imp.bulk.ids = ids
	if len(fresh) == 0 {
		return ids, nil
	}
	if imp.db.Dialect == store.SQLite {
		if err := imp.numberSeries(ctx, fresh); err != nil {
			return nil, err
		}
	}
	for len(fresh) > 0 && imp.db.Dialect != store.SQLite {
		n := min(len(fresh), seriesBulkRows)
		if err := imp.insertSeries(ctx, fresh[:n]); err != nil {
			return nil, err
		}
		fresh = fresh[n:]
	}
	for i := range batch {
		if ids[i] == 0 {
			rec := &batch[i]
			ids[i] = imp.series[seriesKey{rec.Country, rec.Indicator, rec.Scope}]
		}
	}
	return ids, nil
}

// numberSeries gives new series the next ids (SQLite) and stores every
// full group of seriesBulkRows of those pending.
func (imp *importer) numberSeries(ctx context.Context, fresh []seriesKey) error {
	b := &imp.bulk
	if b.nextSeries == 0 {
		var maxID, seq sql.NullInt64
		if err := imp.db.QueryRow(ctx, `SELECT MAX(id) FROM ind_series`).Scan(&maxID); err != nil {
			return fmt.Errorf("indicators: number series: %w", err)
		}
		// AUTOINCREMENT never gives an id again: sqlite_sequence has the highest given.
		err := imp.db.QueryRow(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'ind_series'`).Scan(&seq)
		if err != nil && !store.IsNoRows(err) {
			return fmt.Errorf("indicators: number series: %w", err)
		}
		b.nextSeries = max(maxID.Int64, seq.Int64) + 1
	}
	for _, k := range fresh {
		imp.series[k] = b.nextSeries
		b.pending = append(b.pending, b.nextSeries, k.country, k.indicator, k.scope)
		b.nextSeries++
	}
	for len(b.pending) >= 4*seriesBulkRows {
		if b.seriesStmt == nil {
			st, err := imp.db.Prepare(ctx, seriesStatement(seriesBulkRows, imp.sourceID))
			if err != nil {
				return fmt.Errorf("indicators: store series: %w", err)
			}
			b.seriesStmt = st
		}
		if _, err := b.seriesStmt.ExecContext(ctx, b.pending[:4*seriesBulkRows]...); err != nil {
			return fmt.Errorf("indicators: store series: %w", err)
		}
		b.pending = append(b.pending[:0], b.pending[4*seriesBulkRows:]...)
	}
	return nil
}

// flushSeries stores the series numbered but not stored yet; it runs
// once the values are written, before the transaction ends.
func (imp *importer) flushSeries(ctx context.Context) error {
	b := &imp.bulk
	if len(b.pending) == 0 {
		return nil
	}
	if _, err := imp.db.Exec(ctx, seriesStatement(len(b.pending)/4, imp.sourceID), b.pending...); err != nil {
		return fmt.Errorf("indicators: store series: %w", err)
	}
	b.pending = b.pending[:0]
	return nil
}

// seriesStatement inserts n series of the source, ids given.
func seriesStatement(n int, source int64) string {
	return valuesStatement("INSERT INTO ind_series (id, country, indicator, scope, source_id) VALUES ",
		"(?, ?, ?, ?, "+strconv.FormatInt(source, 10)+")", n)
}

// valuesStatement is head followed by n copies of row, comma-separated:
// one statement stores a whole batch.
func valuesStatement(head, row string, n int) string {
	var b strings.Builder
	b.Grow(len(head) + n*(len(row)+2))
	b.WriteString(head)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// insertSeries stores new series of the import's source and records their
// ids.
func (imp *importer) insertSeries(ctx context.Context, keys []seriesKey) error {
	args := make([]any, 0, 3*len(keys))
	for _, k := range keys {
		args = append(args, k.country, k.indicator, k.scope)
	}
	q := valuesStatement("INSERT INTO ind_series (country, indicator, scope, source_id) VALUES ",
		"(?, ?, ?, "+strconv.FormatInt(imp.sourceID, 10)+")", len(keys)) + " RETURNING id, country, indicator, scope"
	rows, err := imp.db.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("indicators: store series: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var (
			id int64
			k  seriesKey
		)
		if err := rows.Scan(&id, &k.country, &k.indicator, &k.scope); err != nil {
			return fmt.Errorf("indicators: store series: %w", err)
		}
		imp.series[k] = id
		n++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("indicators: store series: %w", err)
	}
	if n != len(keys) {
		return fmt.Errorf("indicators: store series: %d of %d stored", n, len(keys))
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
	batch []Record
	ack   chan struct{}
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
				if err := imp.writeBatch(ctx, job.batch); err != nil {
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

// flushValues is SQLite's multi-row INSERT; a full batch re-runs a
// statement prepared for the import, with the run written into it, and
// without the citation and note columns when the batch has none (four
// arguments a row rather than six: binding is a large share of the
// import's time); the last (short) batch is written out.
func (imp *importer) flushValues(ctx context.Context, batch []Record, ids []int64) error {
	n := len(batch)
	plain := true
	for i := range batch {
		if batch[i].CiteURL != "" || batch[i].Note != "" {
			plain = false
			break
		}
	}
	if n < sqliteBulkRows {
		args := make([]any, 0, n*6)
		for i := range batch {
			rec := &batch[i]
			args = append(args, ids[i], rec.Period, numberArg(rec), rec.Text, rec.CiteURL, rec.Note)
		}
		_, err := imp.db.Exec(ctx, pointsStatement(n, false, imp.runID), args...)
		return err
	}
	st := &imp.bulk.full
	if plain {
		st = &imp.bulk.plain
	}
	if *st == nil {
		prepared, err := imp.db.Prepare(ctx, pointsStatement(n, plain, imp.runID))
		if err != nil {
			return err
		}
		*st = prepared
	}
	args := imp.bulk.args[:0]
	for i := range batch {
		rec := &batch[i]
		args = append(args, ids[i], rec.Period, numberArg(rec), rec.Text)
		if !plain {
			args = append(args, rec.CiteURL, rec.Note)
		}
	}
	imp.bulk.args = args
	_, err := (*st).ExecContext(ctx, args...)
	return err
}

// numberArg is a record's number as a statement argument (NULL for text).
func numberArg(rec *Record) any {
	if rec.IsText {
		return nil
	}
	return rec.Value
}

// pointsStatement is an INSERT of n points, the run written in; plain
// writes empty citations and notes.
func pointsStatement(n int, plain bool, run int64) string {
	row := fmt.Sprintf("(?, ?, ?, ?, ?, ?, %d)", run)
	if plain {
		row = fmt.Sprintf("(?, ?, ?, ?, '', '', %d)", run)
	}
	return valuesStatement(pointColumns+"VALUES ", row, n)
}

// unnestStatement inserts one point per element of six arrays; the run is
// the same for every row.
const unnestStatement = pointColumns + `SELECT s, p, v, t, u, n, $7
	FROM unnest($1::bigint[], $2::text[], $3::float8[], $4::text[], $5::text[], $6::text[]) AS b(s, p, v, t, u, n)`

// flushUnnest is PostgreSQL's bulk insert.
func (imp *importer) flushUnnest(ctx context.Context, batch []Record, ids []int64) error {
	n := len(batch)
	period, text, cite, note := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	val := make([]*float64, n)
	for k, rec := range batch {
		period[k], text[k], cite[k], note[k] = rec.Period, rec.Text, rec.CiteURL, rec.Note
		if !rec.IsText {
			v := rec.Value
			val[k] = &v
		}
	}
	_, err := imp.db.Exec(ctx, unnestStatement, ids, period, val, text, cite, note, imp.runID)
	return err
}

// copyColumns are ind_points' columns in the order copyRows gives them.
var copyColumns = []string{"series_id", "period", "value", "value_text", "cite_url", "note", "run_id"}

// flushCopy is PostgreSQL's COPY of the batch, on the connection of the
// import's transaction.
func (imp *importer) flushCopy(ctx context.Context, batch []Record, ids []int64) error {
	src := &copyRows{batch: batch, ids: ids, run: imp.runID, row: make([]any, len(copyColumns)), next: -1}
	return store.PgxConn(ctx, func(c *pgx.Conn) error {
		_, err := c.CopyFrom(ctx, pgx.Identifier{"ind_points"}, copyColumns, src)
		return err
	})
}

// copyRows is a batch as pgx.CopyFromSource; one row slice is reused (pgx
// encodes each row before it asks for the next).
type copyRows struct {
	batch []Record
	ids   []int64
	run   int64
	row   []any
	next  int
}

func (r *copyRows) Next() bool { r.next++; return r.next < len(r.batch) }

func (r *copyRows) Values() ([]any, error) {
	rec := &r.batch[r.next]
	r.row[0], r.row[1], r.row[2], r.row[3] = r.ids[r.next], rec.Period, numberArg(rec), rec.Text
	r.row[4], r.row[5], r.row[6] = rec.CiteURL, rec.Note, r.run
	return r.row, nil
}

func (r *copyRows) Err() error { return nil }
