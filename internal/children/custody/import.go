package custody

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/store"
)

// ImportColumns are the columns `amparo import cases` reads. Only
// encountered_at is required; a missing column or an empty cell is an
// unknown value. Lists (languages, medical_flags, siblings) are separated
// by ";". Yes/no cells take yes/no/sí/true/false/1/0, empty = unknown.
var ImportColumns = []string{
	"given_names", "surname1", "surname2", "aka", "sex", "birth_date", "birth_date_estimated", "birth_date_evidence",
	"birth_country", "nationality", "languages", "interpreter_needed", "encounter_place", "encountered_at",
	"separated", "parent_details", "medical_flags", "notes", "state",
	"trafficking_victim", "disability_special_needs", "abuse_sponsor_may_not_protect", "siblings",
	"birth_place", "mother_name", "father_name",
}

// ImportError is one problem in one row.
type ImportError struct {
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Problem string `json:"problem"`
}

// ImportResult says what an import did. Errors holds the first
// MaxImportErrors problems by line; ErrorsOmitted counts the others.
type ImportResult struct {
	Imported      int           `json:"imported"`
	Rejected      int           `json:"rejected"`
	Errors        []ImportError `json:"errors"`
	ErrorsOmitted int           `json:"errors_omitted"`
	// Aborted says why the import stopped when the file could not be read
	// to its end (not CSV, cut off). In a file of at most ImportChunkRows
	// rows nothing was imported (Imported is 0); in a larger one the chunks
	// before the bad line were committed (Imported counts their rows) and
	// ResumeFrom says where to start again.
	Aborted string `json:"aborted,omitempty"`
	// Chunks is how many transactions committed the rows: 1 for a file of
	// at most ImportChunkRows rows (all or nothing), more for a larger one.
	Chunks int `json:"chunks"`
	// ResumeFrom, when the import stopped part way through a large file,
	// is the line of the first row not committed: import the same file
	// again with this line as the start (?resume_from=, ImportOptions)
	// and no row is imported twice or left out. 0 when nothing is left.
	ResumeFrom int `json:"resume_from,omitempty"`
}

// ImportChunkRows is how many rows one transaction of an import holds. A
// file of at most this many rows is imported all or nothing; a larger one
// is committed every this many rows, so that no import holds SQLite's
// write lock for more than a few seconds (a 50 MB file held it for minutes,
// and every other writer waited). 5,000 rows take about 2 s on the test
// machine.
const ImportChunkRows = 5000

// ImportOptions tune ImportCasesWith.
type ImportOptions struct {
	// ResumeFrom skips the rows that start before this line (1 is the
	// header): they were committed by an earlier run of the same file.
	ResumeFrom int
	// ChunkRows overrides ImportChunkRows (tests).
	ChunkRows int
	// Progress, when set, is called with the number of rows read so far.
	Progress func(done int)
	// Committed, when set, is called after each chunk's commit with the
	// rows imported so far and the line to resume from.
	Committed func(imported, resumeFrom int)
}

// ImportStoppedError is returned when an import of a large file failed
// after some of its chunks were committed (the database refused a write,
// the server stopped): the committed rows stay, and the file can be
// imported again from ResumeFrom.
type ImportStoppedError struct {
	Imported, ResumeFrom int
	Err                  error
}

func (e *ImportStoppedError) Error() string {
	return fmt.Sprintf("import stopped: %v; %d rows were imported and stay imported; import the file again from line %d to go on", e.Err, e.Imported, e.ResumeFrom)
}

func (e *ImportStoppedError) Unwrap() error { return e.Err }

// MaxImportErrors caps the error list an import answers: a large file of
// bad rows must not make a larger answer.
const MaxImportErrors = 1000

// addError records e, keeping only the MaxImportErrors lowest lines.
// Errors arrive nearly in line order (a batch's database refusals come
// after later rows' parse problems), so the list is cut when it reaches
// twice the cap; what is cut is above MaxImportErrors kept lines and can
// never be among the first.
func (res *ImportResult) addError(e ImportError) {
	res.Errors = append(res.Errors, e)
	if len(res.Errors) >= 2*MaxImportErrors {
		res.trimErrors()
	}
}

func (res *ImportResult) trimErrors() {
	slices.SortStableFunc(res.Errors, func(a, b ImportError) int { return a.Line - b.Line })
	if len(res.Errors) > MaxImportErrors {
		res.ErrorsOmitted += len(res.Errors) - MaxImportErrors
		res.Errors = res.Errors[:MaxImportErrors]
	}
}

// importBatch rows are inserted at a time, between progress reports.
const importBatch = 500

type importRow struct {
	line int
	in   Intake
}

// ImportCases reads a CSV of intakes. Rows that fail validation are
// reported (line, field, problem) and not imported; valid rows are.
// progress, when not nil, is called with the number of rows processed so
// far. See ImportCasesWith.
func (s *Service) ImportCases(ctx context.Context, r io.Reader, progress func(done int)) (*ImportResult, error) {
	return s.ImportCasesWith(ctx, r, ImportOptions{Progress: progress})
}

// ImportCasesWith imports a CSV of intakes in transactions of
// ImportChunkRows rows.
//
// A file of at most ImportChunkRows rows is one transaction: its valid
// rows are committed together when it has been read to its end, and
// nothing is committed when it cannot be (a quote left open, a line that
// is not CSV: Aborted says where; a read error such as a body over its
// cap: the error is returned). A larger file is committed chunk by chunk:
// when it stops part way (a bad line: Aborted; any other failure: an
// *ImportStoppedError), the chunks before stay committed, and ResumeFrom
// says the line to import the same file again from. Each chunk has its
// audit row. Inside a caller's transaction the whole import is part of
// that transaction.
func (s *Service) ImportCasesWith(ctx context.Context, r io.Reader, opt ImportOptions) (*ImportResult, error) {
	p, err := auth.Require(ctx, auth.PermCaseImport)
	if err != nil {
		return nil, err
	}
	var createdBy *int64 // an operator has no account
	if p.UserID != 0 {
		createdBy = &p.UserID
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	res := &ImportResult{Errors: []ImportError{}}
	header, err := cr.Read()
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return nil, &errs.ValidationError{Problems: []errs.FieldError{{Field: "file", Problem: "is empty; a CSV file with a header row is required"}}}
	case errors.As(err, &pe):
		res.Aborted = fmt.Sprintf("line %d is not CSV: %v; nothing was imported", pe.Line, pe.Err)
		res.addError(ImportError{pe.Line, "", pe.Err.Error()})
		return res, nil
	case err != nil:
		return nil, fmt.Errorf("custody: import: read header: %w", err)
	}
	header = slices.Clone(header) // ReuseRecord: the next Read overwrites it
	if p := headerFormProblem(header); p != "" {
		res.addError(ImportError{1, "", p})
		return res, nil
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(ImportColumns, h) {
			res.addError(ImportError{1, h, "unknown column; known: " + strings.Join(ImportColumns, ", ")})
			continue
		}
		if _, dup := col[h]; dup {
			res.addError(ImportError{1, h, "column given twice"})
		}
		col[h] = i
	}
	if _, ok := col["encountered_at"]; !ok {
		res.addError(ImportError{1, "encountered_at", "required column missing"})
	}
	if len(res.Errors) > 0 {
		return res, nil // a bad header rejects the file: no row could be read right
	}
	switch {
	case store.InTx(ctx):
		// Inside a caller's transaction no chunk commits alone.
		opt.ChunkRows = math.MaxInt
	case opt.ChunkRows <= 0:
		opt.ChunkRows = ImportChunkRows
	}
	imp := &importer{s: s, cr: cr, col: col, width: len(header), createdBy: createdBy, res: res, opt: opt, now: s.now()}
	err = imp.run(ctx)
	res.trimErrors()
	switch {
	case errors.Is(err, errImportAborted):
		return res, nil
	case err != nil:
		return nil, fmt.Errorf("custody: import: %w", err)
	}
	return res, nil
}

// headerFormProblem names what makes a header unreadable as a whole: a
// file saved as UTF-16 (each column was reported unknown, in garbled
// bytes), or columns separated by ';' or tabs (one unknown column).
// "" when the header is comma-separated UTF-8 text.
func headerFormProblem(header []string) string {
	joined := strings.Join(header, ",")
	switch {
	case strings.HasPrefix(joined, "\xff\xfe") || strings.HasPrefix(joined, "\xfe\xff") || strings.IndexByte(joined, 0) >= 0:
		return "the file is UTF-16 text (or holds NUL bytes); save it as CSV UTF-8 with commas"
	case !utf8.ValidString(joined):
		return "the header is not UTF-8 text; save the file as CSV UTF-8 with commas"
	case len(header) == 1 && strings.Contains(joined, ";"):
		return "the columns are separated by ';', not commas; save the file as CSV UTF-8 with commas"
	case len(header) == 1 && strings.Contains(joined, "\t"):
		return "the columns are separated by tabs, not commas; save the file as CSV UTF-8 with commas"
	}
	return ""
}

// importer is one import's state between its chunks.
type importer struct {
	s         *Service
	cr        *csv.Reader
	col       map[string]int
	width     int
	createdBy *int64
	res       *ImportResult
	opt       ImportOptions
	now       time.Time
	done      int  // rows read
	eof       bool // the file has been read to its end
	// pending is a row read but not yet imported: the first row of the
	// next chunk, read to learn that the chunk before was not the last.
	pending *importRow
	// chunkStart is the line of the first row the running chunk read.
	chunkStart int
	// abortLine is the line that is not CSV, once met.
	abortLine int
}

// run imports chunk after chunk until the end of the file.
func (imp *importer) run(ctx context.Context) error {
	for !imp.eof {
		imported := imp.res.Imported
		// The first line this chunk reads: where to resume if it does
		// not commit.
		imp.chunkStart = 0
		if imp.pending != nil {
			imp.chunkStart = imp.pending.line
		}
		err := imp.s.db.WithTx(ctx, imp.chunk)
		if err == nil {
			imp.res.Chunks++
			if imp.abortLine > 0 {
				// The line after a full chunk is not CSV: the chunk is
				// committed, the rest of the file cannot be read.
				return imp.stop(imp.abortLine, errImportAborted)
			}
			if imp.opt.Committed != nil {
				imp.opt.Committed(imp.res.Imported, imp.nextLine())
			}
			continue
		}
		// The chunk rolled back: its rows are not imported.
		imp.res.Imported = imported
		resume := imp.chunkStart
		if resume == 0 {
			resume = max(imp.abortLine, imp.opt.ResumeFrom)
		}
		return imp.stop(resume, err)
	}
	return nil
}

// stop ends an import that could not go to the end of the file: with
// nothing committed it is all or nothing, as for a small file; otherwise
// the committed chunks stay and ResumeFrom says where to go on.
func (imp *importer) stop(resume int, err error) error {
	if imp.res.Chunks == 0 {
		if errors.Is(err, errImportAborted) {
			imp.res.Aborted += "; nothing was imported"
		}
		return err
	}
	imp.res.ResumeFrom = resume
	if errors.Is(err, errImportAborted) {
		imp.res.Aborted += fmt.Sprintf("; the %d rows imported before line %d (%d chunks) stay imported: fix the file and import it again from line %d", imp.res.Imported, resume, imp.res.Chunks, resume)
		return err
	}
	return &ImportStoppedError{Imported: imp.res.Imported, ResumeFrom: resume, Err: err}
}

// nextLine is the line to resume from after the last commit: the pending
// row's, or 0 at the end of the file.
func (imp *importer) nextLine() int {
	if imp.pending != nil {
		return imp.pending.line
	}
	return 0
}

// next returns the next row to import (parsed and checked) or nil at the
// end of the file; rejected rows are counted and reported on the way.
func (imp *importer) next() (*importRow, error) {
	if imp.pending != nil {
		r := imp.pending
		imp.pending = nil
		return r, nil
	}
	for {
		rec, err := imp.cr.Read()
		if errors.Is(err, io.EOF) {
			imp.eof = true
			return nil, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(err, csv.ErrFieldCount) {
			// A quote left open swallows the rest of the file: no row
			// after it can be read right.
			imp.res.Aborted = fmt.Sprintf("line %d is not CSV: %v", pe.StartLine, pe.Err)
			imp.res.addError(ImportError{pe.StartLine, "", pe.Err.Error()})
			imp.abortLine = pe.StartLine
			return nil, errImportAborted
		}
		if err != nil {
			return nil, err
		}
		line, _ := imp.cr.FieldPos(0)
		imp.done++
		if imp.opt.Progress != nil {
			imp.opt.Progress(imp.done)
		}
		if line < imp.opt.ResumeFrom {
			continue // committed by an earlier run
		}
		if imp.chunkStart == 0 {
			imp.chunkStart = line
		}
		in, problems := parseImportRow(rec, imp.col, imp.width)
		if len(rec) == imp.width {
			// Report every problem of the row at once, not only the
			// first kind found.
			if err := in.Normalize(imp.now); err != nil {
				var ve *errs.ValidationError
				if !errors.As(err, &ve) {
					return nil, err
				}
				for _, p := range ve.Problems {
					if !slices.ContainsFunc(problems, func(q errs.FieldError) bool { return q.Field == p.Field }) {
						problems = append(problems, p)
					}
				}
			}
		}
		if len(problems) > 0 {
			imp.res.Rejected++
			for _, p := range problems {
				imp.res.addError(ImportError{line, p.Field, p.Problem})
			}
			continue
		}
		return &importRow{line, in}, nil
	}
}

// errImportAborted rolls the import's transaction back after a parse
// error, which res.Aborted describes.
var errImportAborted = errors.New("import aborted")

// chunk imports up to ChunkRows rows inside the caller's transaction,
// with its audit row. It reads one row past a full chunk (kept as
// pending) so that a file of exactly ChunkRows rows is one chunk.
func (imp *importer) chunk(ctx context.Context) error {
	var first, last int
	var batch []importRow
	imported, rejected := imp.res.Imported, imp.res.Rejected
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n, errs, err := imp.s.importBatch(ctx, batch, imp.createdBy, imp.now)
		if err != nil {
			return err
		}
		imp.res.Imported += n
		imp.res.Rejected += len(batch) - n
		for _, e := range errs {
			imp.res.addError(e)
		}
		batch = batch[:0]
		return nil
	}
	rows := 0
	for rows < imp.opt.ChunkRows {
		r, err := imp.next()
		if err != nil {
			return err
		}
		if r == nil {
			break
		}
		if first == 0 {
			first = r.line
		}
		last = r.line
		rows++
		batch = append(batch, *r)
		if len(batch) >= importBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if !imp.eof {
		// Is there a row after this chunk? Read it now, so that a file
		// that ends here is not a second, empty chunk. A line that is
		// not CSV there ends the import after this chunk commits.
		var err error
		imp.pending, err = imp.next()
		if errors.Is(err, errImportAborted) {
			imp.eof = true
		} else if err != nil {
			return err
		}
	}
	detail := fmt.Sprintf("%d imported, %d rejected", imp.res.Imported-imported, imp.res.Rejected-rejected)
	if imp.res.Chunks > 0 || imp.pending != nil {
		detail = fmt.Sprintf("chunk %d, lines %d-%d: %s", imp.res.Chunks+1, first, last, detail)
	}
	return audit.Log(ctx, imp.s.db, audit.Event{Action: "case.import", ObjectType: "case", ObjectID: "import", Detail: detail})
}

// importBatch inserts rows. A row the database may refuse (one naming
// siblings, which must exist and be in the importer's scope) is inserted
// under a savepoint, so that a refusal undoes that row alone; no other row
// can be refused but by a failure that ends the import. (A savepoint per
// batch, retried row by row, would have told the OnChange hooks of rows
// that were rolled back.)
func (s *Service) importBatch(ctx context.Context, rows []importRow, createdBy *int64, now time.Time) (int, []ImportError, error) {
	n := 0
	var ies []ImportError
	for _, r := range rows {
		insert := func() error {
			_, err := s.insertCase(ctx, r.in, createdBy, now)
			return err
		}
		var err error
		if len(r.in.Siblings) > 0 {
			err = s.savepoint(ctx, insert)
		} else {
			err = insert()
		}
		var ve *errs.ValidationError
		switch {
		case err == nil:
			n++
		case errors.As(err, &ve):
			for _, p := range ve.Problems {
				ies = append(ies, ImportError{r.line, p.Field, p.Problem})
			}
		default:
			return n, ies, err
		}
	}
	return n, ies, nil
}

// savepoint runs fn inside the context's transaction and undoes what it
// wrote when it fails (both engines know SAVEPOINT).
func (s *Service) savepoint(ctx context.Context, fn func() error) error {
	if _, err := s.db.Exec(ctx, `SAVEPOINT import_rows`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := fn(); err != nil {
		if _, rerr := s.db.Exec(ctx, `ROLLBACK TO SAVEPOINT import_rows`); rerr != nil {
			return fmt.Errorf("rollback to savepoint: %w (after %w)", rerr, err)
		}
		_, _ = s.db.Exec(ctx, `RELEASE SAVEPOINT import_rows`)
		return err
	}
	if _, err := s.db.Exec(ctx, `RELEASE SAVEPOINT import_rows`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

func parseImportRow(rec []string, col map[string]int, width int) (Intake, []errs.FieldError) {
	var in Intake
	var problems []errs.FieldError
	if len(rec) != width {
		return in, []errs.FieldError{{Field: "", Problem: fmt.Sprintf("%d cells, the header has %d", len(rec), width)}}
	}
	get := func(name string) string {
		if i, ok := col[name]; ok {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	yesNo := func(name string) *bool {
		v := strings.ToLower(get(name))
		switch v {
		case "", "unknown", "desconocido", "?":
			return nil
		case "yes", "y", "si", "sí", "true", "1":
			t := true
			return &t
		case "no", "n", "false", "0":
			f := false
			return &f
		}
		problems = append(problems, errs.FieldError{Field: name, Problem: fmt.Sprintf("%q is not yes, no or unknown", v)})
		return nil
	}
	flag := func(name string) bool {
		b := yesNo(name)
		return b != nil && *b
	}
	list := func(name string) []string { return strings.Split(get(name), ";") }

	in.GivenNames, in.Surname1, in.Surname2, in.AKA = get("given_names"), get("surname1"), get("surname2"), get("aka")
	in.Sex, in.BirthDate = get("sex"), get("birth_date")
	in.BirthDateEstimated = flag("birth_date_estimated")
	in.BirthDateEvidence, in.BirthCountry, in.Nationality = get("birth_date_evidence"), get("birth_country"), get("nationality")
	in.BirthPlace, in.MotherName, in.FatherName = get("birth_place"), get("mother_name"), get("father_name")
	in.Languages = list("languages")
	in.InterpreterNeeded = yesNo("interpreter_needed")
	in.EncounterPlace = get("encounter_place")
	if v := get("encountered_at"); v != "" {
		t, err := parseInstant(v)
		if err != nil {
			problems = append(problems, errs.FieldError{Field: "encountered_at", Problem: err.Error()})
		}
		in.EncounteredAt = t
	}
	in.Separated = yesNo("separated")
	in.ParentDetails = get("parent_details")
	in.MedicalFlags = list("medical_flags")
	in.Notes = get("notes")
	in.State = State(get("state"))
	in.TraffickingVictim = flag("trafficking_victim")
	in.DisabilitySpecialNeeds = flag("disability_special_needs")
	in.AbuseSponsorMayNotProtect = flag("abuse_sponsor_may_not_protect")
	for _, s := range list("siblings") {
		if s = strings.TrimPrefix(strings.TrimSpace(s), "#"); s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			problems = append(problems, errs.FieldError{Field: "siblings", Problem: fmt.Sprintf("%q is not a case number", s)})
			continue
		}
		in.Siblings = append(in.Siblings, id)
	}
	return in, problems
}

// parseInstant reads a time with its offset: an instant without a zone
// would be a guess at the border's local time.
func parseInstant(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02 15:04Z07:00", "2006-01-02 15:04:05Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time with its offset, such as 2026-03-01T14:30:00-06:00 or 2026-03-01T20:30Z", s)
}
