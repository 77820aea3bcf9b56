package indicators

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// smallWorkbook makes a tiny .xlsx with one sheet holding rows, the seed
// for the workbook importers (the published workbooks are megabytes: too
// big for a fuzzer to mutate usefully).
func smallWorkbook(t testing.TB, sheet string, rows [][]string) []byte {
	t.Helper()
	wb := excelize.NewFile()
	defer wb.Close()
	if sheet != "Sheet1" {
		if err := wb.SetSheetName("Sheet1", sheet); err != nil {
			t.Fatal(err)
		}
	}
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, c := range row {
			cells[j] = c
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := wb.SetSheetRow(sheet, cell, &cells); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var (
	wgiSeedRows = [][]string{
		{"countryname", "code", "year", "indicator", "estimate", "stddev", "nsource", "pctrank"},
		{"Guatemala", "GTM", "2023", "cc", "-0.71", "0.14", "10", "25.5"},
		{"Honduras", "HND", "2023", "rl", "#N/A", "", "", ""},
	}
	cpiSeedRows = [][]string{
		{"CPI 2023 Global Results"},
		{"Country / Territory", "ISO3", "Region", "CPI score 2023", "CPI Score 2022"},
		{"Guatemala", "GTM", "AME", "23", "24"},
		{"El Salvador", "SLV", "AME", "31", "-"},
	}
)

// FuzzImportWorkbook feeds the workbook importers (WGI, TI CPI) bytes
// grown from small valid workbooks, and ones that are not zip files at
// all: an importer may refuse a file but never panics.
func FuzzImportWorkbook(f *testing.F) {
	f.Add(smallWorkbook(f, "Sheet1", wgiSeedRows), uint8(0))
	f.Add(smallWorkbook(f, "CPI Timeseries 2012 - 2023", cpiSeedRows), uint8(1))
	f.Add(smallWorkbook(f, "Sheet1", [][]string{{"countryname"}}), uint8(0))
	f.Add([]byte("PK\x03\x04 not really a zip"), uint8(1))
	f.Add([]byte{}, uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		name := []string{"wgi", "ti-cpi"}[int(which)%2]
		_, _ = New(nil).Import(opCtx(), Options{Format: name, Name: "fuzz.xlsx", Reader: bytes.NewReader(data), DryRun: true})
	})
}

// FuzzWorkbookCells builds a valid workbook from fuzzed cells (a byte
// mutation of a zip mostly breaks its checksums; this reaches the
// importers' own reading of headers, codes and numbers): refused or
// accepted, never a panic, and an accepted value is a number read from a
// cell.
func FuzzWorkbookCells(f *testing.F) {
	f.Add("countryname|code|year|indicator|estimate", "Guatemala|GTM|2023|cc|-0.71", uint8(0))
	f.Add("countryname|year|indicator|estimate", "X|99999999999|va|1e308", uint8(0))
	f.Add("Country / Territory|ISO3|CPI score 2023", "Guatemala|GTM|23", uint8(1))
	f.Add("Country / Territory|ISO3|CPI Score 2023|CPI score 2023", "A|gtm|101|NaN", uint8(1))
	f.Add("Country / Territory|ISO3|CPI score 2023", "\x00|\xff\xfe|-0", uint8(1))
	f.Fuzz(func(t *testing.T, header, row string, which uint8) {
		format, sheet := "wgi", "Sheet1"
		if which%2 == 1 {
			format, sheet = "ti-cpi", "CPI Timeseries 2012 - 2023"
		}
		rows := [][]string{strings.Split(header, "|"), strings.Split(row, "|")}
		for _, r := range rows {
			for _, c := range r {
				if len(c) > 32767 { // a cell's limit in Excel; excelize refuses more
					return
				}
			}
		}
		data, ok := tryWorkbook(sheet, rows)
		if !ok {
			return // text excelize cannot put in a cell (control characters)
		}
		rep, err := New(nil).Import(opCtx(), Options{Format: format, Name: "fuzz.xlsx", Reader: bytes.NewReader(data), DryRun: true})
		if err != nil || rep == nil {
			return
		}
		if rep.RowsRead > int64(len(rows)) {
			t.Fatalf("%d rows read from a %d-row sheet", rep.RowsRead, len(rows))
		}
	})
}

// tryWorkbook is smallWorkbook for fuzzed cells: false when excelize
// refuses the text.
func tryWorkbook(sheet string, rows [][]string) ([]byte, bool) {
	wb := excelize.NewFile()
	defer wb.Close()
	if sheet != "Sheet1" {
		if err := wb.SetSheetName("Sheet1", sheet); err != nil {
			return nil, false
		}
	}
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, c := range row {
			cells[j] = c
		}
		if err := wb.SetSheetRow(sheet, "A"+strconv.Itoa(i+1), &cells); err != nil {
			return nil, false
		}
	}
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		return nil, false
	}
	return buf.Bytes(), true
}

// TestWorkbookSeedsImport: the fuzzers' seed workbooks are ones the
// importers read (so mutations start from the importers' real paths).
func TestWorkbookSeedsImport(t *testing.T) {
	for _, tc := range []struct {
		format, sheet string
		rows          [][]string
		rowsRead      int64
	}{
		{"wgi", "Sheet1", wgiSeedRows, 2},
		{"ti-cpi", "CPI Timeseries 2012 - 2023", cpiSeedRows, 2},
	} {
		rep, err := New(nil).Import(opCtx(), Options{Format: tc.format, Name: "seed.xlsx", Reader: bytes.NewReader(smallWorkbook(t, tc.sheet, tc.rows)), DryRun: true})
		if err != nil {
			t.Fatalf("%s: %v", tc.format, err)
		}
		if rep.RowsRead != tc.rowsRead || rep.Inserted == 0 || rep.ErrorCount != 0 {
			t.Errorf("%s: want %d rows read, values and no error; report %+v", tc.format, tc.rowsRead, rep)
		}
	}
}
