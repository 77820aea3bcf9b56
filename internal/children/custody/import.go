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

// ImportResult says what an import did.
type ImportResult struct {
	Imported int           `json:"imported"`
	Rejected int           `json:"rejected"`
	Errors   []ImportError `json:"errors"`
}

// importBatch rows are committed together: large enough that a commit's
// fsync is amortised, small enough that a crash loses little.
const importBatch = 500

type importRow struct {
	line int
	in   Intake
}

// ImportCases reads a CSV of intakes. Rows that fail validation are
// reported (line, field, problem) and not imported; valid rows are. progress,
// when not nil, is called with the number of rows processed so far.
//
// It commits batch by batch, so it refuses to run inside a transaction:
// there a refused batch could not be rolled back alone before it is
// retried row by row, and its valid rows would be written twice.
func (s *Service) ImportCases(ctx context.Context, r io.Reader, progress func(done int)) (*ImportResult, error) {
	p, err := auth.Require(ctx, auth.PermCaseImport)
	if err != nil {
		return nil, err
	}
	if store.InTx(ctx) {
		return nil, errors.New("custody: import: called inside a transaction; it commits batch by batch")
	}
	var createdBy *int64 // an operator has no account
	if p.UserID != 0 {
		createdBy = &p.UserID
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("custody: import: read header: %w", err)
	}
	col := map[string]int{}
	res := &ImportResult{Errors: []ImportError{}}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(ImportColumns, h) {
			res.Errors = append(res.Errors, ImportError{1, h, "unknown column; known: " + strings.Join(ImportColumns, ", ")})
			continue
		}
		if _, dup := col[h]; dup {
			res.Errors = append(res.Errors, ImportError{1, h, "column given twice"})
		}
		col[h] = i
	}
	if _, ok := col["encountered_at"]; !ok {
		res.Errors = append(res.Errors, ImportError{1, "encountered_at", "required column missing"})
	}
	if len(res.Errors) > 0 {
		return res, nil // a bad header rejects the file: no row could be read right
	}
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
		res.Rejected += len(errs)
		res.Errors = append(res.Errors, errs...)
		batch = batch[:0]
		return nil
	}
	done := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				res.Rejected++
				res.Errors = append(res.Errors, ImportError{pe.Line, "", pe.Err.Error()})
				continue
			}
			return res, fmt.Errorf("custody: import: %w", err)
		}
		done++
		in, problems := parseImportRow(rec, col, len(header))
		if len(rec) == len(header) {
			// Report every problem of the row at once, not only the
			// first kind found.
			if err := in.Normalize(now); err != nil {
				var ve *errs.ValidationError
				if !errors.As(err, &ve) {
					return res, err
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
				res.Errors = append(res.Errors, ImportError{line, p.Field, p.Problem})
			}
		} else {
			batch = append(batch, importRow{line, in})
			if len(batch) >= importBatch {
				if err := flush(); err != nil {
					return res, err
				}
			}
		}
		if progress != nil {
			progress(done)
		}
	}
	if err := flush(); err != nil {
		return res, err
	}
	slices.SortStableFunc(res.Errors, func(a, b ImportError) int { return a.Line - b.Line })
	if err := audit.Log(ctx, s.db, audit.Event{Action: "case.import", ObjectType: "case", ObjectID: "import",
		Detail: fmt.Sprintf("%d imported, %d rejected", res.Imported, res.Rejected)}); err != nil {
		return res, err
	}
	return res, nil
}

// importBatch inserts rows in one transaction. A row the database refuses
// (a sibling that does not exist) would roll back its whole batch, so the
// batch is then retried row by row and only that row is rejected.
func (s *Service) importBatch(ctx context.Context, rows []importRow, createdBy *int64, now time.Time) (int, []ImportError, error) {
	err := s.db.WithTx(ctx, func(ctx context.Context) error {
		for _, r := range rows {
			if _, err := s.insertCase(ctx, r.in, createdBy, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		return len(rows), nil, nil
	}
	var ve *errs.ValidationError
	if !errors.As(err, &ve) {
		return 0, nil, err
	}
	n := 0
	var errs []ImportError
	for _, r := range rows {
		err := s.db.WithTx(ctx, func(ctx context.Context) error {
			_, err := s.insertCase(ctx, r.in, createdBy, now)
			return err
		})
		switch {
		case err == nil:
			n++
		case errors.As(err, &ve):
			for _, p := range ve.Problems {
				errs = append(errs, ImportError{r.line, p.Field, p.Problem})
			}
		default:
			return n, errs, err
		}
	}
	return n, errs, nil
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
