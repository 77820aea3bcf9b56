package indicators

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"path"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Format is one kind of file Amparo can import.
type Format struct {
	Name        string
	Description string
	// Source is the default source of a file in this format; the built-in
	// files and the command line can name a more precise one.
	Source Source
	// Generic formats (OWID, World Bank wide, long CSV) carry files from
	// many sources: each imported file becomes its own source.
	Generic bool
	// Detect says whether a CSV header (BOM removed) is this format's.
	// Workbook formats detect by sheet names instead (DetectSheets).
	Detect       func(header []string) bool
	DetectSheets func(sheets []string) bool
	Read         func(r *reader, in *bufio.Reader) error
}

// formats is every importer, in the order detection tries them.
var formats []*Format

func init() {
	formats = []*Format{
		formatLong, formatWBWide, formatOWID,
		formatUACFY, formatUACMonth, formatProjections,
		formatCBPMonthlySector, formatCBPCountryFY, formatCBPSectorMonth,
		formatHHSMonthly, formatStatesReleased, formatCBPNationwide,
		formatWGI, formatTICPI, formatUNICEF,
	}
}

// Formats lists the importers' names and descriptions.
func Formats() []*Format { return formats }

// FormatByName returns a format.
func FormatByName(name string) (*Format, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

const bom = "\ufeff"

// pickFormat returns the named format, or detects it from the file's start.
// A workbook (zip) is read whole: excelize needs random access, and the
// workbooks are a few MB.
func pickFormat(name, fileName string, bb *bufio.Reader) (*Format, error) {
	if name != "" {
		f, ok := FormatByName(name)
		if !ok {
			return nil, fmt.Errorf("unknown format %q", name)
		}
		return f, nil
	}
	magic, _ := bb.Peek(4)
	if bytes.Equal(magic, []byte("PK\x03\x04")) {
		data, err := io.ReadAll(bb)
		if err != nil {
			return nil, err
		}
		wb, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("not a readable workbook: %w", err)
		}
		sheets := wb.GetSheetList()
		wb.Close()
		bb.Reset(bytes.NewReader(data))
		for _, f := range formats {
			if f.DetectSheets != nil && f.DetectSheets(sheets) {
				return f, nil
			}
		}
		return nil, fmt.Errorf("workbook with sheets %q is not a known format; name one with --format", sheets)
	}
	line, err := peekLine(bb)
	if err != nil {
		return nil, err
	}
	header, err := csv.NewReader(strings.NewReader(line)).Read()
	if err != nil {
		return nil, fmt.Errorf("cannot read the header line: %w", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], bom)
	}
	for _, f := range formats {
		if f.Detect != nil && f.Detect(header) {
			return f, nil
		}
	}
	return nil, fmt.Errorf("header %q of %s is not a known format; name one with --format", truncate(line, 120), path.Base(fileName))
}

func peekLine(bb *bufio.Reader) (string, error) {
	for n := 4096; ; n *= 2 {
		buf, err := bb.Peek(n)
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			return strings.TrimRight(string(buf[:i]), "\r"), nil
		}
		if err != nil {
			if len(buf) == 0 {
				return "", errors.New("empty file")
			}
			return string(buf), nil
		}
		if n >= 1<<20 {
			return "", errors.New("header line longer than 1 MiB")
		}
	}
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// csvFile reads a CSV stream row by row, tracking line numbers.
type csvFile struct {
	r      *reader
	cr     *csv.Reader
	header []string
	err    bool // the stream itself is broken; stop reading
}

// openCSV reads the header and checks it starts with want (case and
// surrounding space ignored). A BOM is removed and recorded.
func openCSV(r *reader, in io.Reader, want ...string) (*csvFile, bool) {
	// A BOM before a quoted header (World Bank downloads) makes the first
	// field a bare quote to encoding/csv: drop it before the reader sees it.
	hadBOM := false
	if br, ok := in.(*bufio.Reader); ok {
		if b, err := br.Peek(len(bom)); err == nil && string(b) == bom {
			_, _ = br.Discard(len(bom))
			hadBOM = true
		}
	}
	cr := csv.NewReader(in)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		r.fail(1, "header", "cannot read the header: "+err.Error())
		return nil, false
	}
	header = slices.Clone(header)
	if len(header) > 0 && (hadBOM || strings.HasPrefix(header[0], bom)) {
		header[0] = strings.TrimPrefix(header[0], bom)
		r.correct(1, "header", "byte-order mark", "", ReasonBOMRemoved)
	}
	trimSpaceAll(header)
	if len(header) < len(want) {
		r.fail(1, "header", fmt.Sprintf("expected columns %s, found %s", strings.Join(want, ","), strings.Join(header, ",")))
		return nil, false
	}
	for i, w := range want {
		if !strings.EqualFold(header[i], w) {
			r.fail(1, "header", fmt.Sprintf("column %d is %q, expected %q", i+1, header[i], w))
			return nil, false
		}
	}
	return &csvFile{r: r, cr: cr, header: header}, true
}

// next returns the next row (nil at the end), its line and whether it has
// the header's width. A broken stream is reported once and ends reading.
func (c *csvFile) next() ([]string, int, bool) {
	if c.err {
		return nil, 0, false
	}
	rec, err := c.cr.Read()
	if err == io.EOF {
		return nil, 0, false
	}
	if err != nil {
		line := 0
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line = pe.StartLine
		}
		c.r.fail(line, "", "unreadable CSV: "+err.Error())
		c.err = true
		return nil, 0, false
	}
	line, _ := c.cr.FieldPos(0) // a record always has at least one field
	c.r.row()
	if len(rec) != len(c.header) {
		c.r.fail(line, "", fmt.Sprintf("row has %d fields, the header has %d (truncated or misaligned row)", len(rec), len(c.header)))
		return rec, line, false
	}
	trimSpaceAll(rec)
	return rec, line, true
}

// rows yields each row of the header's width with its line; rows of
// another width and a broken stream are reported by next and skipped.
func (c *csvFile) rows() iter.Seq2[int, []string] {
	return func(yield func(int, []string) bool) {
		for {
			rec, line, ok := c.next()
			if rec == nil {
				return
			}
			if ok && !yield(line, rec) {
				return
			}
		}
	}
}

// col finds a header column by name (case-insensitive); -1 if absent.
func (c *csvFile) col(name string) int {
	for i, h := range c.header {
		if strings.EqualFold(h, name) {
			return i
		}
	}
	return -1
}

// headerIs builds a Detect function for a fixed leading header.
func headerIs(cols ...string) func([]string) bool {
	return func(h []string) bool {
		if len(h) < len(cols) {
			return false
		}
		for i, c := range cols {
			if !strings.EqualFold(strings.TrimSpace(h[i]), c) {
				return false
			}
		}
		return true
	}
}

// validCode accepts ISO3 codes, ALL/NT3, the publishers' aggregate codes
// (OWID_WRL, UN_LAC, WB_LAC, OWID_EU27...) and ISO 3166-2 US subdivisions.
func validCode(c string) bool {
	if c == "NT3" {
		return true
	}
	if len(c) == 3 {
		for _, ch := range c {
			if ch < 'A' || ch > 'Z' {
				return false
			}
		}
		return true
	}
	if len(c) > 16 {
		return false
	}
	if strings.HasPrefix(c, "US-") && len(c) == 5 {
		return c[3] >= 'A' && c[3] <= 'Z' && c[4] >= 'A' && c[4] <= 'Z'
	}
	prefix, rest, ok := strings.Cut(c, "_")
	if !ok || prefix == "" || rest == "" {
		return false
	}
	for _, ch := range prefix {
		if ch < 'A' || ch > 'Z' {
			return false
		}
	}
	for _, ch := range rest {
		if !(ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_') {
			return false
		}
	}
	return true
}
