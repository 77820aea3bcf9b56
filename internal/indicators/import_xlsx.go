package indicators

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The publishers' own workbooks, read with excelize. Cells are read raw
// (RawCellValue): the displayed text is rounded by the cell's number format.

func openWorkbook(r *reader, in io.Reader) (*excelize.File, bool) {
	wb, err := excelize.OpenReader(in)
	if err != nil {
		r.fail(0, "", "not a readable .xlsx workbook: "+err.Error())
		return nil, false
	}
	return wb, true
}

var formatWGI = &Format{
	Name:        "wgi",
	Description: "World Bank Worldwide Governance Indicators workbook (wgidataset.xlsx): countryname,year,indicator,estimate,...",
	Source: Source{Key: "wb-wgi-2024", Publisher: "World Bank (Kaufmann and Kraay)", Title: "Worldwide Governance Indicators, 2024 update (data 1996-2023)",
		URL: "https://www.govindicators.org", Retrieved: "2026-11-24", Licence: "CC BY 4.0; cite Kaufmann, D. and A. Kraay (2024). Worldwide Governance Indicators, 2024 Update (www.govindicators.org)",
		Priority: 10},
	DetectSheets: func(s []string) bool { return len(s) == 1 && s[0] == "Sheet1" },
	Read:         readWGI,
}

var wgiDimensions = []string{"va", "pv", "ge", "rq", "rl", "cc"}

func readWGI(r *reader, in *bufio.Reader) error {
	wb, ok := openWorkbook(r, in)
	if !ok {
		return nil
	}
	defer wb.Close()
	sheets := wb.GetSheetList()
	if len(sheets) == 0 {
		r.fail(0, "", "workbook has no sheet")
		return nil
	}
	rows, err := wb.Rows(sheets[0])
	if err != nil {
		r.fail(0, "", "cannot read sheet: "+err.Error())
		return nil
	}
	defer rows.Close()
	want := []string{"countryname", "year", "indicator", "estimate"}
	var ix map[string]int
	line := 0
	unknown := map[string]bool{}
	for rows.Next() {
		line++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			r.fail(line, "", "unreadable row: "+err.Error())
			return nil
		}
		trimSpaceAll(cells)
		if ix == nil {
			ix = map[string]int{}
			for i, h := range cells {
				ix[strings.ToLower(h)] = i
			}
			for _, w := range want {
				if _, ok := ix[w]; !ok {
					r.fail(line, "header", fmt.Sprintf("no %q column; found %q", w, cells))
					return nil
				}
			}
			continue
		}
		if len(cells) == 0 || slices.Equal(cells, make([]string, len(cells))) {
			continue
		}
		r.row()
		get := func(name string) string {
			if i, ok := ix[name]; ok && i < len(cells) {
				return cells[i]
			}
			return ""
		}
		name, dim := get("countryname"), strings.ToLower(get("indicator"))
		year, err := strconv.Atoi(get("year"))
		if err != nil || year < 1990 || year > 2100 {
			r.fail(line, "year", fmt.Sprintf("%q is not a year", get("year")))
			continue
		}
		if !slices.Contains(wgiDimensions, dim) {
			r.fail(line, "indicator", fmt.Sprintf("%q is not one of the six WGI dimensions %v", dim, wgiDimensions))
			continue
		}
		est, missE, okE := r.number(line, "estimate", get("estimate"))
		rank, missR, okR := r.number(line, "pctrank", get("pctrank"))
		if !okE || !okR {
			continue
		}
		if name == "" {
			r.fail(line, "countryname", "empty")
			continue
		}
		code := ISO3ForName(name)
		if code == "" {
			// The workbook has no code column; names Amparo does not map
			// are read past, not guessed.
			unknown[name] = true
			continue
		}
		per := strconv.Itoa(year)
		if !missE {
			if err := r.emit(Record{Line: line, Country: code, Indicator: "wgi_" + dim, Period: per, Value: est, Text: get("estimate")}); err != nil {
				return err
			}
		}
		if !missR {
			if err := r.emit(Record{Line: line, Country: code, Indicator: "wgi_" + dim + "_pctrank", Period: per, Value: rank, Text: get("pctrank")}); err != nil {
				return err
			}
		}
	}
	if err := rows.Error(); err != nil {
		r.fail(line, "", "unreadable sheet: "+err.Error())
	}
	if ix == nil {
		r.fail(1, "header", "empty sheet")
	}
	if len(unknown) > 0 {
		r.correct(0, "countryname", fmt.Sprintf("%d economies", len(unknown)), "",
			fmt.Sprintf(ReasonEconomiesReadPast, len(unknown)))
	}
	return nil
}

var formatTICPI = &Format{
	Name:        "ti-cpi",
	Description: "Transparency International CPI results workbook (sheet \"CPI Timeseries 2012 - 2023\")",
	Source: Source{Key: "ti-cpi-2023", Publisher: "Transparency International", Title: "Corruption Perceptions Index 2023: global results and trends",
		URL: "https://www.transparency.org/en/cpi/2023", Retrieved: "2026-11-24", Licence: "CC BY-ND 4.0 (values shown unchanged, with attribution)", Priority: 10},
	DetectSheets: func(s []string) bool {
		for _, n := range s {
			if strings.HasPrefix(n, "CPI Timeseries") {
				return true
			}
		}
		return false
	},
	Read: readTICPI,
}

var cpiScoreHeader = regexp.MustCompile(`^CPI [Ss]core (\d{4})$`)

func readTICPI(r *reader, in *bufio.Reader) error {
	wb, ok := openWorkbook(r, in)
	if !ok {
		return nil
	}
	defer wb.Close()
	sheet := ""
	for _, n := range wb.GetSheetList() {
		if strings.HasPrefix(n, "CPI Timeseries") {
			sheet = n
		}
	}
	if sheet == "" {
		r.fail(0, "", "no \"CPI Timeseries\" sheet")
		return nil
	}
	rows, err := wb.Rows(sheet)
	if err != nil {
		r.fail(0, "", "cannot read sheet: "+err.Error())
		return nil
	}
	defer rows.Close()
	type scoreCol struct {
		i    int
		year string
	}
	var cols []scoreCol
	isoCol := -1
	line := 0
	for rows.Next() {
		line++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			r.fail(line, "", "unreadable row: "+err.Error())
			return nil
		}
		trimSpaceAll(cells)
		if isoCol < 0 {
			// Title and embargo lines come before the header.
			if len(cells) > 1 && cells[0] == "Country / Territory" {
				for i, h := range cells {
					if h == "ISO3" {
						isoCol = i
					}
					if m := cpiScoreHeader.FindStringSubmatch(h); m != nil {
						cols = append(cols, scoreCol{i, m[1]})
					}
				}
				if isoCol < 0 || len(cols) == 0 {
					r.fail(line, "header", "no ISO3 or CPI score columns")
					return nil
				}
			} else if line > 20 {
				r.fail(line, "header", "no \"Country / Territory\" header in the first 20 rows")
				return nil
			}
			continue
		}
		if len(cells) <= isoCol || cells[isoCol] == "" {
			continue
		}
		r.row()
		code := cells[isoCol]
		if !validCode(code) {
			r.fail(line, "ISO3", fmt.Sprintf("%q is not an ISO3 code", code))
			continue
		}
		for _, sc := range cols {
			if sc.i >= len(cells) {
				continue
			}
			v, missing, ok := r.number(line, "CPI score "+sc.year, cells[sc.i])
			if !ok || missing {
				continue
			}
			if v < 0 || v > 100 {
				r.fail(line, "CPI score "+sc.year, fmt.Sprintf("%v is outside 0-100", v))
				continue
			}
			if err := r.emit(Record{Line: line, Country: code, Indicator: "cpi_score", Period: sc.year, Value: v, Text: cells[sc.i]}); err != nil {
				return err
			}
		}
	}
	if err := rows.Error(); err != nil {
		r.fail(line, "", "unreadable sheet: "+err.Error())
	}
	if isoCol < 0 {
		r.fail(line, "header", "no header row")
	}
	return nil
}
