package tracing

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/amparo-project/amparo/internal/identity"
)

// Record is one record of a person as an officer wrote it: an id and the
// person's identity (identity.Person). Every field but ID may be empty.
// BirthDate is asked as YYYY-MM-DD, YYYY-MM or YYYY; other forms are kept
// as written and read as far as they go.
type Record struct {
	ID string `json:"id"`
	identity.Person
}

// Columns is the header of the CSV files the tracing commands read.
var Columns = []string{"id", "given_names", "surname1", "surname2", "sex", "birth_date",
	"birth_country", "birth_place", "mother_name", "father_name"}

// ReadCSV reads records from CSV with the header of Columns (in any order).
// Errors name the line: a header without id or without any name column, a
// row with the wrong number of columns, text that is not UTF-8, an empty
// or repeated id. Other columns may be absent (read as empty) and columns
// not ours are ignored; a birth date in another form is read as far as it
// can be (see ReadCSVNoting).
func ReadCSV(r io.Reader) ([]Record, error) {
	return ReadCSVNoting(r, nil)
}

// ReadCSVNoting is ReadCSV, saying in notes (when not nil) what was read
// otherwise than asked: columns absent or not ours, and birth dates that
// were not written YYYY-MM-DD, YYYY-MM or YYYY. Records keep their dates as
// written; the engine reads what it can of them. Refusing a
// file of thousands of rows for a day typed as 93 would leave the
// operator nothing; the notes tell them what was read instead.
func ReadCSVNoting(r io.Reader, notes *ReadNotes) ([]Record, error) {
	var out []Record
	err := readCSV(r, notes, func(rec Record) error {
		out = append(out, rec)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readCSV reads records as ReadCSV does and passes each to fn, so that a
// caller can prepare records as they come and never hold them all.
func readCSV(r io.Reader, notes *ReadNotes, fn func(Record) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return fmt.Errorf("tracing: read csv: line 1: empty file, want header %s", strings.Join(Columns, ","))
	}
	if err != nil {
		return fmt.Errorf("tracing: read csv: %w", csvErr(err))
	}
	idx := make([]int, len(Columns))
	for i := range idx {
		idx[i] = -1
	}
	for j, h := range header {
		if !utf8.ValidString(h) {
			return fmt.Errorf("tracing: read csv: line 1: header is not valid UTF-8")
		}
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		found := false
		for i, c := range Columns {
			if strings.EqualFold(h, c) {
				if idx[i] >= 0 {
					return fmt.Errorf("tracing: read csv: line 1: column %q twice", c)
				}
				idx[i], found = j, true
			}
		}
		if !found && notes != nil {
			notes.Ignored = append(notes.Ignored, h)
		}
	}
	if idx[0] < 0 {
		return fmt.Errorf("tracing: read csv: line 1: no id column (want header %s)", strings.Join(Columns, ","))
	}
	if idx[1] < 0 && idx[2] < 0 && idx[3] < 0 {
		return fmt.Errorf("tracing: read csv: line 1: no name column, given_names, surname1 or surname2 (want header %s)", strings.Join(Columns, ","))
	}
	for i, c := range Columns {
		if idx[i] < 0 && notes != nil {
			notes.Absent = append(notes.Absent, c)
		}
	}
	seen := map[string]int{}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("tracing: read csv: %w", csvErr(err))
		}
		line, _ := cr.FieldPos(0)
		for _, f := range row {
			if !utf8.ValidString(f) {
				return fmt.Errorf("tracing: read csv: line %d: text is not valid UTF-8", line)
			}
		}
		get := func(i int) string {
			if idx[i] < 0 {
				return ""
			}
			return strings.TrimSpace(row[idx[i]])
		}
		rec := Record{ID: get(0), Person: identity.Person{
			GivenNames: get(1), Surname1: get(2), Surname2: get(3), Sex: get(4),
			BirthDate: get(5), BirthCountry: get(6), BirthPlace: get(7), MotherName: get(8), FatherName: get(9),
		}}
		// The reader reuses its row; strings.Clone keeps one small
		// allocation per field instead of pinning the reader's buffer.
		rec = cloneRecord(rec)
		if rec.ID == "" {
			return fmt.Errorf("tracing: read csv: line %d: empty id", line)
		}
		if prev, ok := seen[rec.ID]; ok {
			return fmt.Errorf("tracing: read csv: line %d: id %q already on line %d", line, rec.ID, prev)
		}
		// A copy of the id, so that the map does not keep every
		// record's text alive when the caller drops the record.
		seen[strings.Clone(rec.ID)] = line
		if d, asked := readDate(rec.BirthDate); !asked && notes != nil {
			notes.addDate(line, rec.BirthDate, d)
		}
		if err := fn(rec); err != nil {
			return err
		}
	}
	return nil
}

// ReadNotes say what a file held that was read otherwise than asked:
// columns absent (read as empty) or not ours (ignored), and birth dates
// not written YYYY-MM-DD, YYYY-MM or YYYY (read as far as they go; the
// first few are shown).
type ReadNotes struct {
	Absent, Ignored []string
	Dates           int
	DateExamples    []string
}

// dateExamplesShown is how many examples of dates ReadNotes keep.
const dateExamplesShown = 5

func (n *ReadNotes) addDate(line int, text string, d date) {
	n.Dates++
	if len(n.DateExamples) >= dateExamplesShown {
		return
	}
	as := "no date"
	if d.valid {
		as = d.String()
	}
	n.DateExamples = append(n.DateExamples, fmt.Sprintf("line %d: %q read as %s", line, text, as))
}

// String is sentences for the operator, or "" when the file was as asked.
func (n ReadNotes) String() string {
	var out []string
	if len(n.Absent) > 0 {
		out = append(out, "columns absent, read as empty: "+strings.Join(n.Absent, ", "))
	}
	if len(n.Ignored) > 0 {
		out = append(out, fmt.Sprintf("columns not read by tracing, ignored: %q", n.Ignored))
	}
	if n.Dates > 0 {
		more := ""
		if n.Dates > len(n.DateExamples) {
			more = "; ..."
		}
		out = append(out, fmt.Sprintf("%d birth dates were not written YYYY-MM-DD, YYYY-MM or YYYY and were read as far as they go (%s%s)",
			n.Dates, strings.Join(n.DateExamples, "; "), more))
	}
	return strings.Join(out, "; ")
}

// cloneRecord copies all fields into one backing string so a record costs
// one allocation.
func cloneRecord(r Record) Record {
	fields := []*string{&r.ID, &r.GivenNames, &r.Surname1, &r.Surname2, &r.Sex, &r.BirthDate,
		&r.BirthCountry, &r.BirthPlace, &r.MotherName, &r.FatherName}
	n := 0
	for _, f := range fields {
		n += len(*f)
	}
	var b strings.Builder
	b.Grow(n)
	for _, f := range fields {
		b.WriteString(*f)
	}
	all := b.String()
	off := 0
	for _, f := range fields {
		l := len(*f)
		*f = all[off : off+l]
		off += l
	}
	return r
}

// csvErr turns encoding/csv errors into messages that start with the line.
func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return fmt.Errorf("line %d: wrong number of columns: %w", pe.Line, pe.Err)
		}
		return fmt.Errorf("line %d: %w", pe.Line, pe.Err)
	}
	return err
}

// WriteCSV writes records with the header of Columns.
func WriteCSV(w io.Writer, recs []Record) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(Columns); err != nil {
		return fmt.Errorf("tracing: write csv: %w", err)
	}
	for _, r := range recs {
		if err := cw.Write([]string{r.ID, r.GivenNames, r.Surname1, r.Surname2, r.Sex, r.BirthDate,
			r.BirthCountry, r.BirthPlace, r.MotherName, r.FatherName}); err != nil {
			return fmt.Errorf("tracing: write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("tracing: write csv: %w", err)
	}
	return nil
}
