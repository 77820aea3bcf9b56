package custody

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/audit"
	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
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
	// Aborted says why nothing was imported when the file could not be
	// read to its end (not CSV, cut off): then Imported is 0.
	Aborted string `json:"aborted,omitempty"`
}

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
// far.
//
// The whole file is one transaction: valid rows are committed together
// when the file has been read to its end, and nothing is committed when it
// cannot be (a quote left open, a line that is not CSV: Aborted says
// where; a read error such as a body over its cap: the error is returned).
// Inside a caller's transaction it is part of that transaction.
//
// The transaction holds SQLite's write lock for the whole file (about
// 3,000 rows a second on the test machine: 20,000 rows in 6 s), during
// which other writers wait up to the busy timeout. The API's background
// import (?background=1) lets a large file outlive its request, but not
// this lock; committing in chunks under an import id, resumable, is the
// way past it (issue 15, not done).
func (s *Service) ImportCases(ctx context.Context, r io.Reader, progress func(done int)) (*ImportResult, error) {
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
	err = s.db.WithTx(ctx, func(ctx context.Context) error {
		return s.importRows(ctx, cr, col, len(header), createdBy, res, progress)
	})
	res.trimErrors()
	if errors.Is(err, errImportAborted) {
		res.Imported = 0
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("custody: import: %w", err)
	}
	return res, nil
}

// errImportAborted rolls the import's transaction back after a parse
// error, which res.Aborted describes.
var errImportAborted = errors.New("import aborted")

// importRows reads the rows after the header and inserts the valid ones,
// inside the caller's transaction.
func (s *Service) importRows(ctx context.Context, cr *csv.Reader, col map[string]int, width int, createdBy *int64, res *ImportResult, progress func(int)) error {
	now := s.now()
	var batch []importRow
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n, errs, err := s.importBatch(ctx, batch, createdBy, now)
		if err != nil {
			return err
		}
		res.Imported += n
		res.Rejected += len(batch) - n
		for _, e := range errs {
			res.addError(e)
		}
		batch = batch[:0]
		return nil
	}
	done := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(err, csv.ErrFieldCount) {
			// A quote left open swallows the rest of the file: no row
			// after it can be read right, so nothing is imported.
			res.Aborted = fmt.Sprintf("line %d is not CSV: %v; nothing was imported", pe.StartLine, pe.Err)
			res.addError(ImportError{pe.StartLine, "", pe.Err.Error()})
			return errImportAborted
		}
		if err != nil {
			return err
		}
		line, _ := cr.FieldPos(0)
		done++
		in, problems := parseImportRow(rec, col, width)
		if len(rec) == width {
			// Report every problem of the row at once, not only the
			// first kind found.
			if err := in.Normalize(now); err != nil {
				var ve *errs.ValidationError
				if !errors.As(err, &ve) {
					return err
				}
				for _, p := range ve.Problems {
					if !slices.ContainsFunc(problems, func(q errs.FieldError) bool { return q.Field == p.Field }) {
						problems = append(problems, p)
					}
				}
			}
		}
		if len(problems) > 0 {
			res.Rejected++
			for _, p := range problems {
				res.addError(ImportError{line, p.Field, p.Problem})
			}
		} else {
			batch = append(batch, importRow{line, in})
			if len(batch) >= importBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if progress != nil {
			progress(done)
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return audit.Log(ctx, s.db, audit.Event{Action: "case.import", ObjectType: "case", ObjectID: "import",
		Detail: fmt.Sprintf("%d imported, %d rejected", res.Imported, res.Rejected)})
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
