package legal

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/errs"
)

// ProviderColumns are the provider directory's CSV columns; lists are
// separated by ";" ("Spanish;Mam;K'iche'").
var ProviderColumns = []string{"organisation", "attorneys", "languages", "states", "counties", "specialties", "capacity"}

// badTextCell names the column of the first cell of rec that is not UTF-8
// text or holds a NUL.
func badTextCell(head, rec []string) (string, bool) {
	for i, v := range rec {
		if !utf8.ValidString(v) || strings.IndexByte(v, 0) >= 0 {
			name := ""
			if i < len(head) && utf8.ValidString(head[i]) {
				name = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(head[i], "\ufeff")))
			}
			return name, true
		}
	}
	return "", false
}

// ImportError is one refused line of an import.
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

// ImportProviders adds the providers of a CSV directory, each line on its
// own (a refused line does not stop the others), with every problem of
// every refused line.
func (s *Service) ImportProviders(ctx context.Context, r io.Reader) (*ImportResult, error) {
	if _, err := auth.Require(ctx, auth.PermLegalProvidersManage); err != nil {
		return nil, err
	}
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, &errs.ValidationError{Problems: []errs.FieldError{{Field: "file", Problem: "no header row: " + err.Error()}}}
	}
	col := map[string]int{}
	for i, h := range head {
		// Excel's "CSV UTF-8" begins with a byte-order mark: without this
		// the first column was not found.
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, c := range []string{"organisation", "capacity"} {
		if _, ok := col[c]; !ok {
			return nil, &errs.ValidationError{Problems: []errs.FieldError{{Field: "file", Problem: "the header has no " + c + " column (columns: " + strings.Join(ProviderColumns, ", ") + ")"}}}
		}
	}
	res := &ImportResult{Errors: []ImportError{}}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			res.Rejected++
			res.Errors = append(res.Errors, ImportError{Line: line, Problem: err.Error()})
			continue
		}
		if name, bad := badTextCell(head, rec); bad {
			// A file saved as Latin-1: stored as such on SQLite, a raw
			// driver error on PostgreSQL that stopped the import.
			res.Rejected++
			res.Errors = append(res.Errors, ImportError{Line: line, Field: name, Problem: "contains a NUL character or bytes that are not UTF-8"})
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		list := func(name string) []string { return strings.Split(get(name), ";") }
		in := ProviderInput{Organisation: get("organisation"), Attorneys: list("attorneys"), Languages: list("languages"), States: list("states"),
			Counties: list("counties"), Specialties: list("specialties")}
		capacity, cerr := strconv.Atoi(get("capacity"))
		if cerr != nil {
			res.Rejected++
			res.Errors = append(res.Errors, ImportError{Line: line, Field: "capacity", Problem: fmt.Sprintf("%q is not a number", get("capacity"))})
			continue
		}
		in.Capacity = capacity
		if _, err := s.CreateProvider(ctx, in); err != nil {
			fields := errs.Fields(err)
			if fields == nil {
				return res, err
			}
			res.Rejected++
			for _, f := range fields {
				res.Errors = append(res.Errors, ImportError{Line: line, Field: f.Field, Problem: f.Problem})
			}
			continue
		}
		res.Imported++
	}
	return res, nil
}
