package indicators

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/maphash"
	"io"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/store"
)

// Source describes where values come from.
type Source struct {
	ID        int64  `json:"id"`
	Key       string `json:"key"`
	Publisher string `json:"publisher"`
	Title     string `json:"title"`
	URL       string `json:"url"`
	Retrieved string `json:"retrieved"`
	Licence   string `json:"licence"`
	Priority  int    `json:"priority"`
	Note      string `json:"note,omitempty"`
}

// Record is one value read from a file, before it is stored.
type Record struct {
	Line      int
	Country   string
	Indicator string
	Scope     string
	Period    string
	Value     float64
	Text      string // the value as written; the whole value for text indicators
	IsText    bool
	CiteURL   string
	Note      string
	Unit      string // for an indicator the catalogue does not know
	Name      string // likewise
}

// badRecordText names the first text field of rec that is not UTF-8 or
// holds a NUL, "" when there is none.
func badRecordText(rec Record) string {
	for _, f := range []struct{ name, v string }{{"country", rec.Country}, {"indicator", rec.Indicator}, {"scope", rec.Scope},
		{"period", rec.Period}, {"value", rec.Text}, {"cite_url", rec.CiteURL}, {"note", rec.Note}, {"unit", rec.Unit}, {"name", rec.Name}} {
		if !utf8.ValidString(f.v) || strings.IndexByte(f.v, 0) >= 0 {
			return f.name
		}
	}
	return ""
}

// RowError is one reason a file was refused.
type RowError struct {
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

func (e RowError) String() string {
	if e.Field != "" {
		return fmt.Sprintf("line %d, %s: %s", e.Line, e.Field, e.Message)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Message)
}

// Correction is what an importer changed in a cell, or a row it left out,
// and why.
type Correction struct {
	Line      int    `json:"line"`
	Field     string `json:"field"`
	Original  string `json:"original"`
	Corrected string `json:"corrected"`
	Reason    string `json:"reason"`
}

// Report is the outcome of one import.
type Report struct {
	RunID       int64        `json:"run_id"`
	Format      string       `json:"format"`
	File        string       `json:"file"`
	SHA256      string       `json:"sha256"`
	RowsRead    int64        `json:"rows_read"`
	Inserted    int64        `json:"values_inserted"`
	Updated     int64        `json:"values_updated"`
	Unchanged   int64        `json:"values_unchanged"`
	OutOfScope  int64        `json:"values_out_of_scope"`
	Skipped     int64        `json:"rows_skipped"`
	Errors      []RowError   `json:"errors,omitempty"`
	ErrorCount  int          `json:"error_count"`
	Corrections []Correction `json:"corrections,omitempty"`
	Projections int64        `json:"projections,omitempty"`
}

// maxReportedErrors caps the error list so that a wholly wrong file does not
// fill memory; ErrorCount still counts them all.
const maxReportedErrors = 200

// ErrInvalidFile is returned (wrapped) when a file has row errors; nothing
// from it was stored.
var ErrInvalidFile = errors.New("file refused")

// Options says what to import.
type Options struct {
	Format string    // a format name; "" detects it from the header
	Name   string    // the file's name, for the report and detection
	Reader io.Reader // the file; gzip is detected and decompressed
	Size   int64     // bytes, for the progress bar; 0 when unknown
	// Source overrides the format's default source (publisher, URL, ...).
	Source *Source
	// AllCountries stores every country found; by default only the focus
	// countries, the border codes and the listed aggregates are stored
	// (the rest is still read and validated).
	AllCountries bool
	// DryRun parses and validates without storing anything.
	DryRun bool
	// Progress, when set, is advanced by the bytes read.
	Progress func(r io.Reader) io.Reader
}

// reader is what a format's parser gets: the stream and the callbacks.
type reader struct {
	ctx    context.Context
	imp    *importer
	Format *Format
}

// emit stores one record (or counts it out of scope).
func (r *reader) emit(rec Record) error { return r.imp.emit(r.ctx, rec) }

// fail records a row error; reading continues so that the report lists
// every bad row, and the transaction is rolled back at the end.
func (r *reader) fail(line int, field, msg string) {
	r.imp.rep.ErrorCount++
	if len(r.imp.rep.Errors) < maxReportedErrors {
		r.imp.rep.Errors = append(r.imp.rep.Errors, RowError{line, field, msg})
	}
}

// correct records a fix made to a cell.
func (r *reader) correct(line int, field, original, corrected, reason string) {
	r.imp.rep.Corrections = append(r.imp.rep.Corrections, Correction{line, field, original, corrected, reason})
}

// skip records a row left out on purpose, with the reason.
func (r *reader) skip(line int, field, original, reason string) {
	r.imp.rep.Skipped++
	r.correct(line, field, original, "", fmt.Sprintf(ReasonRowLeftOut, reason))
}

// row counts a data row read.
func (r *reader) row() { r.imp.rep.RowsRead++ }

// number parses a numeric cell, recording fixes; missing reports a gap.
func (r *reader) number(line int, field, cell string) (v float64, missing bool, ok bool) {
	v, fixes, err := parseNumber(cell)
	if errors.Is(err, errMissing) {
		return 0, true, true
	}
	if err != nil {
		r.fail(line, field, err.Error())
		return 0, false, false
	}
	for _, f := range fixes {
		if f.reason == thousandsReason {
			// Routine: counted, and recorded once per file.
			r.imp.thousands++
			continue
		}
		r.correct(line, field, cell, f.corrected, f.reason)
	}
	return v, false, true
}

// Import reads one file and stores its values in one transaction: a file
// with any bad row changes nothing, and the report lists the bad rows.
// Re-importing the same file changes nothing; a changed value is updated
// and the earlier one kept as a revision. It requires
// auth.PermIndicatorsImport (a dry run too: it reads the caller's file).
func (s *Service) Import(ctx context.Context, opt Options) (*Report, error) {
	if _, err := auth.Require(ctx, auth.PermIndicatorsImport); err != nil {
		return nil, fmt.Errorf("indicators: import %s: %w", opt.Name, err)
	}
	return s.importFile(ctx, opt)
}

// importFile is Import once the permission is checked.
func (s *Service) importFile(ctx context.Context, opt Options) (*Report, error) {
	in, err := openInput(opt)
	if err != nil {
		return nil, fmt.Errorf("indicators: import %s: %w", opt.Name, err)
	}
	defer in.Close()
	f, err := pickFormat(opt.Format, opt.Name, in.body)
	if err != nil {
		return nil, fmt.Errorf("indicators: import %s: %w", opt.Name, err)
	}
	rep := &Report{Format: f.Name, File: opt.Name}
	imp := &importer{db: s.db, now: s.now, rep: rep, all: opt.AllCountries, seen: map[uint64]int{}, seed: maphash.MakeSeed(),
		countries: map[string]bool{}, indicators: map[string]bool{}, series: map[seriesKey]int64{}}
	src, keep := sourceFor(f, opt)
	imp.publisher = src.Publisher
	if opt.DryRun {
		// Parse and validate only: nothing touches a database.
		imp.db = nil
		return rep, imp.check(ctx, f, in.body, opt.Name)
	}
	// WithConnTx: on PostgreSQL the values are copied through the
	// transaction's own connection (bulk.go).
	err = s.db.WithConnTx(ctx, func(ctx context.Context) error {
		return imp.store(ctx, f, src, keep, in, opt.Name)
	})
	if err != nil {
		return rep, refusedOrFailed(rep, opt.Name, err)
	}
	return rep, nil
}

// input is an import's file: decompressed when it is gzip, hashed as read.
type input struct {
	body   *bufio.Reader
	hasher hash.Hash
	zr     *gzip.Reader
}

// openInput wraps opt.Reader: the checksum and the progress bar see the
// bytes as stored, the parser the decompressed ones.
func openInput(opt Options) (*input, error) {
	in := &input{hasher: sha256.New()}
	var r io.Reader = io.TeeReader(opt.Reader, in.hasher)
	if opt.Progress != nil {
		r = opt.Progress(r)
	}
	br := bufio.NewReaderSize(r, 1<<16)
	var body io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		in.zr = zr
		body = zr
	}
	in.body = bufio.NewReaderSize(body, 1<<16)
	return in, nil
}

// Close releases the decompressor, if any.
func (in *input) Close() error {
	if in.zr != nil {
		return in.zr.Close()
	}
	return nil
}

// sourceFor is the source an import's values are stored under, and
// whether a description already stored is kept.
func sourceFor(f *Format, opt Options) (Source, bool) {
	src := f.Source
	switch {
	case opt.Source != nil:
		return *opt.Source, false
	case f.Generic:
		// A generic format (OWID, World Bank, long CSV) says little about
		// where a file came from: each file is its own source, named by the
		// file, and a description already stored (the built-in one, say)
		// is kept.
		base := path.Base(opt.Name)
		src.Key += ":" + base
		src.Title += " (" + base + ")"
		return src, true
	}
	return src, false
}

// refusedOrFailed is the error of an import whose transaction failed: a
// refused file (bad rows) wraps ErrInvalidFile and has no run.
func refusedOrFailed(rep *Report, name string, err error) error {
	if errors.Is(err, ErrInvalidFile) {
		rep.RunID = 0
		return err
	}
	if rep.ErrorCount > 0 {
		rep.RunID = 0
		return fmt.Errorf("%w: %w", ErrInvalidFile, err)
	}
	return fmt.Errorf("indicators: import %s: %w", name, err)
}

// check parses and validates a file without storing anything (a dry run).
func (imp *importer) check(ctx context.Context, f *Format, body *bufio.Reader, name string) error {
	rep := imp.rep
	rd := &reader{ctx: ctx, imp: imp, Format: f}
	if err := f.Read(rd, body); err != nil {
		return fmt.Errorf("indicators: check %s: %w", name, err)
	}
	if rep.ErrorCount > 0 {
		return fmt.Errorf("%w: %s has %d bad row(s)", ErrInvalidFile, name, rep.ErrorCount)
	}
	if rep.RowsRead == 0 {
		return fmt.Errorf("%w: %s has no data rows", ErrInvalidFile, name)
	}
	return nil
}

// store is the import's transaction: the run, the values, the run's
// figures and corrections, and the audit row.
func (imp *importer) store(ctx context.Context, f *Format, src Source, keep bool, in *input, name string) error {
	rep := imp.rep
	if err := imp.begin(ctx, src, keep, f.Name, name); err != nil {
		return err
	}
	restore, err := imp.tune(ctx)
	if err != nil {
		return err
	}
	defer restore()
	if imp.fresh {
		imp.startPipe(ctx)
		// Whatever happens, the writer stops before the transaction ends
		// (and before restore).
		defer imp.stopPipe() //nolint:errcheck // read reports its error
	}
	if err := imp.read(ctx, f, in.body); err != nil {
		return err
	}
	// Read to the end so that the checksum covers the whole file.
	if _, err := io.Copy(io.Discard, in.body); err != nil {
		return fmt.Errorf("indicators: read %s: %w", name, err)
	}
	if err := imp.refuse(name); err != nil {
		return err
	}
	rep.SHA256 = hex.EncodeToString(in.hasher.Sum(nil))
	if err := imp.finish(ctx); err != nil {
		return err
	}
	return audit.Log(ctx, imp.db, audit.Event{
		Action:     "indicators.import",
		ObjectType: "indicator_source",
		ObjectID:   src.Key,
		Detail: fmt.Sprintf("%s (%s): %d inserted, %d updated, %d unchanged",
			name, f.Name, rep.Inserted, rep.Updated, rep.Unchanged),
	})
}

// begin writes the catalogue and the source, and starts the run.
func (imp *importer) begin(ctx context.Context, src Source, keep bool, format, name string) error {
	db := imp.db
	if err := ensureCatalog(ctx, db); err != nil {
		return err
	}
	sid, err := upsertSource(ctx, db, src, keep)
	if err != nil {
		return err
	}
	imp.sourceID = sid
	// A source's first import can only insert: skip the look-up per
	// value (duplicates within the file are caught by imp.seen).
	var one int
	switch err := db.QueryRow(ctx, `SELECT 1 FROM ind_series WHERE source_id = ? LIMIT 1`, sid).Scan(&one); {
	case store.IsNoRows(err):
		imp.fresh = true
	case err != nil:
		return fmt.Errorf("indicators: check source %s: %w", src.Key, err)
	}
	now := store.FormatTime(imp.now())
	if err := db.QueryRow(ctx, `INSERT INTO ind_import_runs (source_id, format, file_name, file_sha256, started_at, finished_at)
		VALUES (?, ?, ?, '', ?, ?) RETURNING id`, sid, format, name, now, now).Scan(&imp.runID); err != nil {
		return fmt.Errorf("indicators: start import run: %w", err)
	}
	imp.rep.RunID = imp.runID
	return nil
}

// read parses the file, storing its values as they come, and writes the
// last batch when no row was bad.
func (imp *importer) read(ctx context.Context, f *Format, body *bufio.Reader) error {
	rd := &reader{ctx: ctx, imp: imp, Format: f}
	if err := f.Read(rd, body); err != nil {
		return err
	}
	if imp.err != nil {
		return imp.err
	}
	if imp.rep.ErrorCount == 0 {
		if err := imp.flush(ctx); err != nil {
			return err
		}
	}
	if err := imp.stopPipe(); err != nil {
		imp.err = err
		return err
	}
	if imp.rep.ErrorCount == 0 {
		if err := imp.flushSeries(ctx); err != nil {
			imp.err = err
			return err
		}
	}
	return nil
}

// refuse returns ErrInvalidFile when the file had bad rows or no data
// rows, and records the routine thousands-separator fix once.
func (imp *importer) refuse(name string) error {
	rep := imp.rep
	if rep.ErrorCount > 0 {
		return fmt.Errorf("%w: %s has %d bad row(s); nothing was imported", ErrInvalidFile, name, rep.ErrorCount)
	}
	if imp.thousands > 0 {
		rep.Corrections = append(rep.Corrections, Correction{Field: "(numbers)", Original: fmt.Sprintf("%d cells", imp.thousands),
			Reason: fmt.Sprintf(ReasonThousands, imp.thousands)})
	}
	if rep.RowsRead == 0 {
		rep.ErrorCount++
		rep.Errors = append(rep.Errors, RowError{Line: 1, Message: "no data rows"})
		return fmt.Errorf("%w: %s has no data rows", ErrInvalidFile, name)
	}
	return nil
}

// finish records the run's figures and the importer's corrections.
func (imp *importer) finish(ctx context.Context) error {
	rep := imp.rep
	if _, err := imp.db.Exec(ctx, `UPDATE ind_import_runs SET file_sha256 = ?, finished_at = ?, rows_read = ?,
		values_inserted = ?, values_updated = ?, values_unchanged = ?, rows_skipped = ? WHERE id = ?`,
		rep.SHA256, store.FormatTime(imp.now()), rep.RowsRead, rep.Inserted, rep.Updated, rep.Unchanged, rep.Skipped, imp.runID); err != nil {
		return fmt.Errorf("indicators: finish import run: %w", err)
	}
	for _, c := range rep.Corrections {
		if _, err := imp.db.Exec(ctx, `INSERT INTO ind_import_corrections (run_id, line, field, original, corrected, reason) VALUES (?, ?, ?, ?, ?, ?)`,
			imp.runID, c.Line, c.Field, c.Original, c.Corrected, c.Reason); err != nil {
			return fmt.Errorf("indicators: record correction: %w", err)
		}
	}
	return nil
}

// importer holds one import's state.
type importer struct {
	db       *store.DB
	now      func() time.Time
	rep      *Report
	all      bool
	sourceID int64
	runID    int64
	// seen maps a 64-bit hash of each stored key to its line, to refuse
	// duplicate rows in bounded memory (16 bytes a key rather than the
	// strings). A hash collision (about 1 in 10^8 for a million keys)
	// would refuse a good file, never accept a bad one.
	seen       map[uint64]int
	seed       maphash.Seed
	countries  map[string]bool
	indicators map[string]bool
	series     map[seriesKey]int64 // the source's series stored so far, by key
	err        error               // a database error stops the import
	thousands  int                 // cells whose thousands separators were removed
	fresh      bool                // the source has no stored values yet: insert only
	batch      []Record
	rowKeyed   bool // the format itself guarantees one value per key
	publisher  string
	bulk       bulkWriter // a fresh source's multi-row inserts (bulk.go)
	pipe       *bulkPipe  // a fresh source's writer, while it runs (bulk.go)
}

func (imp *importer) emit(ctx context.Context, rec Record) error {
	if imp.err != nil {
		return imp.err
	}
	if field := badRecordText(rec); field != "" {
		// A file saved as Latin-1: SQLite stored its bytes as they came,
		// PostgreSQL stopped the import with a raw driver error.
		imp.rep.ErrorCount++
		if len(imp.rep.Errors) < maxReportedErrors {
			imp.rep.Errors = append(imp.rep.Errors, RowError{rec.Line, field, "contains a NUL character or bytes that are not UTF-8"})
		}
		return nil
	}
	if !imp.all && !inDefaultScope(rec.Country) {
		imp.rep.OutOfScope++
		return nil
	}
	// A format that refuses duplicate rows and columns itself (World Bank
	// wide) cannot repeat a value: it needs no memory per value.
	if !imp.rowKeyed {
		key := imp.hashKey(rec.Country, rec.Indicator, rec.Scope, rec.Period)
		if first, dup := imp.seen[key]; dup {
			imp.rep.ErrorCount++
			if len(imp.rep.Errors) < maxReportedErrors {
				imp.rep.Errors = append(imp.rep.Errors, RowError{rec.Line, "", fmt.Sprintf("duplicate: %s %s %s %s already given on line %d",
					rec.Country, rec.Indicator, rec.Period, rec.Scope, first)})
			}
			return nil
		}
		imp.seen[key] = rec.Line
	}
	if imp.rep.ErrorCount > 0 {
		// The file is already refused: keep validating, stop writing.
		return nil
	}
	if imp.db == nil { // dry run
		imp.rep.Inserted++
		return nil
	}
	if imp.fresh {
		// Insert-only: many rows per statement, and the batch's countries
		// and indicators stored by the writer (writeBatch).
		imp.batch = append(imp.batch, rec)
		imp.rep.Inserted++
		if len(imp.batch) >= imp.bulkRows() {
			return imp.flush(ctx)
		}
		return nil
	}
	if err := imp.ensureRefs(ctx, rec); err != nil {
		imp.err = err
		return err
	}
	sid, err := imp.seriesID(ctx, rec)
	if err != nil {
		imp.err = err
		return err
	}
	res, err := putValue(ctx, imp.db, sid, imp.runID, store.FormatTime(imp.now()), rec)
	if err != nil {
		imp.err = err
		return err
	}
	switch res {
	case inserted:
		imp.rep.Inserted++
	case updated:
		imp.rep.Updated++
	default:
		imp.rep.Unchanged++
	}
	return nil
}

// hashKey hashes the parts of a key, separated so that ("ab","c") and
// ("a","bc") differ.
func (imp *importer) hashKey(parts ...string) uint64 {
	var h maphash.Hash
	h.SetSeed(imp.seed)
	for _, p := range parts {
		h.WriteString(p)
		h.WriteByte(0)
	}
	return h.Sum64()
}

func (imp *importer) ensureRefs(ctx context.Context, rec Record) error {
	if !imp.countries[rec.Country] {
		name, kind := CountryName(rec.Country), "country"
		for _, c := range knownCountries {
			if c.Code == rec.Country {
				kind = c.Kind
			}
		}
		if strings.Contains(rec.Country, "-") {
			kind = "subdivision"
		}
		if _, err := imp.db.Exec(ctx, `INSERT INTO ind_countries (code, name, kind) VALUES (?, ?, ?) ON CONFLICT (code) DO NOTHING`,
			rec.Country, name, kind); err != nil {
			return fmt.Errorf("indicators: add country %s: %w", rec.Country, err)
		}
		imp.countries[rec.Country] = true
	}
	if !imp.indicators[rec.Indicator] {
		in, ok := KnownIndicator(rec.Indicator)
		if !ok {
			in = Indicator{Code: rec.Indicator, Name: rec.Indicator, Unit: rec.Unit, Kind: "number"}
			if rec.Name != "" {
				in.Name = rec.Name
			}
			if rec.IsText {
				in.Kind = "text"
			}
		}
		if _, err := imp.db.Exec(ctx, `INSERT INTO ind_indicators (code, name, unit, definition, kind) VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO NOTHING`,
			in.Code, in.Name, in.Unit, in.Definition, in.Kind); err != nil {
			return fmt.Errorf("indicators: add indicator %s: %w", rec.Indicator, err)
		}
		imp.indicators[rec.Indicator] = true
	}
	return nil
}
