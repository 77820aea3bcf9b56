package indicators

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func importBytes(t testing.TB, db *store.DB, format, name string, data []byte) (*Report, error) {
	t.Helper()
	return New(db).Import(opCtx(), Options{Format: format, Name: name, Reader: bytes.NewReader(data)})
}

// value returns the stored value of one series point from one source.
func value(t *testing.T, db *store.DB, country, ind, scope, period string) (float64, bool) {
	t.Helper()
	var v float64
	err := db.QueryRow(context.Background(), `SELECT v.value FROM ind_values v JOIN ind_sources s ON s.id = v.source_id
		WHERE country = ? AND indicator = ? AND scope = ? AND period = ? ORDER BY s.priority LIMIT 1`, country, ind, scope, period).Scan(&v)
	if store.IsNoRows(err) {
		return 0, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return v, true
}

func countValues(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM ind_values`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// realCases: every shipped file, with values read by eye in the file.
var realCases = []struct {
	file, format string
	checks       []struct {
		country, ind, scope, period string
		want                        float64
	}
	absent []string // "country/indicator/scope/period" that must not be stored
}{
	{"data/uac/uac_by_country_fy.csv", "uac-fy", []struct {
		country, ind, scope, period string
		want                        float64
	}{
		{"GTM", "uac_encounters", "usbp-swb", "FY2014", 17057},
		{"ALL", "uac_encounters", "usbp-swb", "FY2014", 68541},
		{"SLV", "uac_encounters", "usbp-swb-t42", "FY2020", 2189},
		{"ALL", "uac_encounters", "cbp-nationwide", "FY2022", 152880},
		{"ALL", "uac_encounters", "usbp-all", "FY2012", 24481}, // settled by CBP's sector table (settledScopes)
	}, []string{"SLV/uac_encounters/usbp-swb/FY2020"}},
	{"data/uac/uac_by_country_month.csv", "uac-month", []struct {
		country, ind, scope, period string
		want                        float64
	}{
		{"ALL", "uac_encounters", "usbp-swb", "2014-03", 7176},
		{"NT3", "uac_encounters", "usbp-swb", "2014-07", 3973},
		{"ALL", "uac_encounters", "usbp-swb-t42", "2021-03", 18715},
		{"ALL", "uac_encounters", "cbp-swb", "2021-03", 18890},
	}, nil},
	{"data/cbp-wapo/monthly_uac_apprehensions_by_sector_fy.csv", "cbp-monthly-sector", []struct {
		country, ind, scope, period string
		want                        float64
	}{
		{"ALL", "uac_encounters", "usbp-swb", "2009-10", 1533},
		{"ALL", "uac_encounters", "usbp-all", "2009-10", 1554},
		{"ALL", "uac_encounters", "usbp-swb", "2018-10", 4964}, // "r4,964"
		{"ALL", "uac_encounters", "usbp-swb", "2019-09", 3165},
		{"ALL", "uac_encounters", "usbp-swb", "FY2010", 18411},
		{"ALL", "uac_encounters", "usbp-swb", "FY2019", 76020}, // "Southwest Bord"
	}, nil},
	{"data/cbp-wapo/sbecfydf_20210303.csv", "cbp-country-fy", []struct {
		country, ind, scope, period string
		want                        float64
	}{
		{"GTM", "uac_encounters", "usbp-swb", "FY2019", 30329},
		{"GTM", "uac_encounters", "usbp-swb-t42", "FY2020", 8390},
		{"HND", "family_unit_encounters", "usbp-swb", "FY2019", 188416},
	}, []string{"GTM/uac_encounters/usbp-swb-t42/FY2021"}},
	{"data/cbp-wapo/secmondf_20210303.csv", "cbp-sector-month", []struct {
		country, ind, scope, period string
		want                        float64
	}{
		{"ALL", "uac_encounters", "usbp-swb", "2018-10", 4964},
		{"ALL", "uac_encounters", "usbp-swb", "2019-05", 11475}, // labelled Jun-2019 in the file
		{"ALL", "uac_encounters", "usbp-swb", "2019-09", 3165},  // the first of two Oct-2019 rows
		{"ALL", "uac_encounters", "usbp-swb", "2019-10", 2841},
		{"ALL", "uac_encounters", "usbp-swb-t42", "2021-01", 5707},
	}, nil},
	{"data/cbp-wapo/fy2018_fy2021.csv", "hhs-monthly", []struct {
		country, ind, scope, period string
		want                        float64
	}{
		{"USA", "hhs_children_in_care", "hhs-orr", "2020-10", 1929},
	}, nil},
	{"data/cbp-wapo/states_children.csv", "states-released", []struct {
		country, ind, scope, period string
		want                        float64
	}{
		{"US-AL", "uc_released_to_sponsors", "hhs-orr", "FY2015", 808},
		{"USA", "uc_released_to_sponsors", "hhs-orr", "FY2015", 27840},
	}, []string{"USA/uc_released_to_sponsors/hhs-orr/FY2021"}},
	{"data/indicators/owid-homicide-rate-unodc.csv", "owid", []struct {
		country, ind, scope, period string
		want                        float64
	}{
		{"GTM", "homicide_rate", "", "2014", 33.49759},
	}, []string{"GTM/homicide_rate//2015", "GTM/homicide_rate//2016"}}, // gaps stay gaps
	{"data/indicators/wb-wgi-2024-wgidataset.xlsx", "wgi", []struct {
		country, ind, scope, period string
		want                        float64
	}{
		{"GTM", "wgi_cc", "", "1996", -0.85694420337677002}, // raw cell, not the displayed -0.86
	}, nil},
	{"data/indicators/ti-cpi-2023-global-results-trends.xlsx", "ti-cpi", []struct {
		country, ind, scope, period string
		want                        float64
	}{
		{"GTM", "cpi_score", "", "2023", 23},
	}, nil},
	{"data/indicators/owid-wb-pip-20220909.csv.gz", "owid", []struct {
		country, ind, scope, period string
		want                        float64
	}{
		{"GTM", "gini", "", "2014", 0.4827858949121326},
	}, []string{"GTM/gini//2015"}},
	{"data/indicators/owid-unwpp2017-population-by-age-group.csv.gz", "owid", []struct {
		country, ind, scope, period string
		want                        float64
	}{
		{"GTM", "population_0_14", "", "2015", 5888528},
	}, []string{"GTM/population_0_14//2031"}},
}

func TestImportRealFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		for _, c := range realCases {
			t.Run(filepath.Base(c.file), func(t *testing.T) {
				data := readFile(t, c.file)
				// Detection must find the same format as the table.
				rep, err := importBytes(t, db, "", c.file, data)
				if err != nil {
					t.Fatalf("import: %v (%v)", err, rep.Errors)
				}
				if rep.Format != c.format {
					t.Errorf("detected %s, want %s", rep.Format, c.format)
				}
				for _, ch := range c.checks {
					got, ok := value(t, db, ch.country, ch.ind, ch.scope, ch.period)
					if !ok || got != ch.want {
						t.Errorf("%s %s %q %s = %v (stored %v), want %v", ch.country, ch.ind, ch.scope, ch.period, got, ok, ch.want)
					}
				}
				for _, a := range c.absent {
					p := strings.Split(a, "/")
					if v, ok := value(t, db, p[0], p[1], p[2], p[3]); ok {
						t.Errorf("%s stored as %v; the source has no such whole value", a, v)
					}
				}
				// Idempotent.
				rep2, err := importBytes(t, db, "", c.file, data)
				if err != nil || rep2.Inserted != 0 || rep2.Updated != 0 {
					t.Errorf("second import: %v, inserted %d, updated %d", err, rep2.Inserted, rep2.Updated)
				}
			})
		}
	})
}

// TestImportersAgreeWithMakeLong compares every value the publishers'
// workbooks and OWID files give for the six countries with
// indicators_long.csv, which make_long.py produced from the same files with
// its own, independent reader.
func TestImportersAgreeWithMakeLong(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := opCtx()
	if _, err := New(db).ImportBuiltin(ctx, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := New(db).Import(ctx, Options{Name: "indicators_long.csv", Reader: bytes.NewReader(readFile(t, "testdata/indicators_long.csv"))})
	if err != nil {
		t.Fatalf("long: %v %v", err, rep.Errors)
	}
	if rep.Format != "long" || rep.Inserted != 4478 {
		t.Fatalf("long: format %s, %d values inserted, want long, 4478", rep.Format, rep.Inserted)
	}
	rows, err := db.Query(ctx, `SELECT l.country, l.indicator, l.period, l.value, l.value_text, o.value, o.value_text, so.skey
		FROM ind_values l JOIN ind_sources sl ON sl.id = l.source_id AND sl.skey LIKE 'long-csv:%'
		LEFT JOIN ind_values o ON o.country = l.country AND o.indicator = l.indicator AND o.period = l.period AND o.scope = l.scope AND o.source_id <> l.source_id
		LEFT JOIN ind_sources so ON so.id = o.source_id AND so.skey <> 'owid:owid-cpi-2018.csv'
		WHERE so.skey IS NOT NULL OR o.source_id IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	compared, missing := 0, 0
	for rows.Next() {
		var c, ind, per, lt string
		var lv, ov *float64
		var ot, src *string
		if err := rows.Scan(&c, &ind, &per, &lv, &lt, &ov, &ot, &src); err != nil {
			t.Fatal(err)
		}
		if src == nil {
			missing++
			if missing < 5 {
				t.Errorf("%s %s %s in indicators_long.csv but not from the source files", c, ind, per)
			}
			continue
		}
		compared++
		switch {
		case lv == nil && ov == nil:
			if lt != *ot {
				t.Errorf("%s %s %s: long %q, %s %q", c, ind, per, lt, *src, *ot)
			}
		case lv == nil || ov == nil || !sameNumber(*lv, *ov):
			t.Errorf("%s %s %s: long %v, %s %v", c, ind, per, lv, *src, ov)
		}
	}
	if missing > 0 {
		t.Errorf("%d values of indicators_long.csv not found", missing)
	}
	if compared < 4000 {
		t.Errorf("compared only %d values", compared)
	}
	t.Logf("%d values agree", compared)
}

// broken file variants, applied to a real file of each format.
func truncateMidRow(b []byte) []byte {
	lines := bytes.Split(b, []byte("\n"))
	mid := len(lines) / 2
	head := bytes.Join(lines[:mid], []byte("\n"))
	cut := lines[mid]
	if i := bytes.IndexByte(cut, ','); i >= 0 {
		cut = cut[:i+1]
	}
	return append(append(head, '\n'), cut...)
}

func replaceHeader(b []byte) []byte {
	i := bytes.IndexByte(b, '\n')
	return append([]byte("id,name,amount"), b[i:]...)
}

var brokenCases = []struct {
	name, file, format string
	badNumber          [2]string // replace the first occurrence of [0] by [1]
	dupLine            int       // 1-based line copied to the end (a stored row)
}{
	{"long", "testdata/indicators_long.csv", "long", [2]string{"GTM,cpi_score,2013,29,", "GTM,cpi_score,2013,2 9,"}, 2},
	{"uac-fy", "data/uac/uac_by_country_fy.csv", "uac-fy", [2]string{"2014,GTM,17057", "2014,GTM,17O57"}, 2},
	{"uac-month", "data/uac/uac_by_country_month.csv", "uac-month", [2]string{"2014-03,2014,ALL,7176", "2014-03,2014,ALL,7176.5"}, 2},
	{"projections", "data/uac/projections_2014.csv", "projections", [2]string{",2015,142000,", ",2015,lots,"}, 2},
	{"cbp-monthly-sector", "data/cbp-wapo/monthly_uac_apprehensions_by_sector_fy.csv", "cbp-monthly-sector", [2]string{`"1,533"`, `"1.533.0"`}, 24},
	{"cbp-country-fy", "data/cbp-wapo/sbecfydf_20210303.csv", "cbp-country-fy", [2]string{"El Salvador,uac,fy14,16404", "El Salvador,uac,fy14,N/A?"}, 2},
	{"cbp-sector-month", "data/cbp-wapo/secmondf_20210303.csv", "cbp-sector-month", [2]string{"Big Bend,17,37,", "Big Bend,17,3x7,"}, 0},
	{"hhs-monthly", "data/cbp-wapo/fy2018_fy2021.csv", "hhs-monthly", [2]string{",2020-10-01,1929,", ",2020-10-01,19 29,"}, 2},
	{"states-released", "data/cbp-wapo/states_children.csv", "states-released", [2]string{"Alabama,808,", "Alabama,8o8,"}, 2},
	{"owid", "data/indicators/owid-homicide-rate-unodc.csv", "owid", [2]string{"Guatemala,GTM,2014,", "Guatemala,GTM,20x4,"}, 0},
	{"owid-gz", "data/indicators/owid-wb-pip-20220909.csv.gz", "owid", [2]string{"", ""}, 0},
	{"cbp-nationwide", "data/cbp-nationwide/nationwide-encounters-fy20-fy23-state.csv.gz", "cbp-nationwide",
		[2]string{"ME,Single Adults,CANADA,Title 8,153\r", "ME,Single Adults,CANADA,Title 8,15x3\r"}, 2},
}

// TestImportBrokenFiles: a truncated file, a wrong header, a non-numeric
// value or a duplicate row refuses the whole file, and the database is
// left exactly as it was.
func TestImportBrokenFiles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := opCtx()
		if _, err := New(db).Import(ctx, Options{Name: "uac_by_country_fy.csv", Reader: bytes.NewReader(readFile(t, "data/uac/uac_by_country_fy.csv"))}); err != nil {
			t.Fatal(err)
		}
		before := countValues(t, db)
		for _, c := range brokenCases {
			orig := readFile(t, c.file)
			plain := orig
			isGz := strings.HasSuffix(c.file, ".gz")
			if isGz {
				zr, err := gzip.NewReader(bytes.NewReader(orig))
				if err != nil {
					t.Fatal(err)
				}
				plain, _ = io.ReadAll(zr)
			}
			variants := map[string][]byte{
				"truncated":    truncateMidRow(plain),
				"wrong header": replaceHeader(plain),
			}
			if isGz {
				variants["truncated gzip stream"] = orig[:len(orig)/2]
			}
			if c.badNumber[0] != "" {
				if !bytes.Contains(plain, []byte(c.badNumber[0])) {
					t.Fatalf("%s: test text %q not in the file", c.name, c.badNumber[0])
				}
				variants["non-numeric"] = bytes.Replace(plain, []byte(c.badNumber[0]), []byte(c.badNumber[1]), 1)
			}
			if c.name == "long" {
				// A unit saved as Latin-1: stored as such on SQLite, a raw
				// driver error on PostgreSQL.
				variants["latin-1 text"] = bytes.Replace(plain, []byte("score 0-100"), []byte("puntuaci\xf3n 0-100"), 1)
			}
			if c.dupLine > 0 {
				lines := bytes.Split(bytes.TrimRight(plain, "\n"), []byte("\n"))
				variants["duplicate row"] = append(append(bytes.TrimRight(plain, "\n"), '\n'), lines[c.dupLine-1]...)
			}
			for vname, data := range variants {
				t.Run(c.name+"/"+vname, func(t *testing.T) {
					rep, err := importBytes(t, db, c.format, c.file, data)
					if !errors.Is(err, ErrInvalidFile) {
						t.Fatalf("got %v, want ErrInvalidFile", err)
					}
					if rep == nil || rep.ErrorCount == 0 || len(rep.Errors) == 0 {
						t.Fatalf("no row error reported: %+v", rep)
					}
					if got := countValues(t, db); got != before {
						t.Errorf("refused file changed the database: %d values, want %d", got, before)
					}
				})
			}
		}
	})
}

// TestImportBrokenWorkbooks builds small workbooks with excelize.
func TestImportBrokenWorkbooks(t *testing.T) {
	db := storetest.OpenSQLite(t)
	wgi := func(rows [][]any) []byte {
		f := excelize.NewFile()
		defer f.Close()
		header := []any{"countryname", "year", "indicator", "estimate", "stddev", "nsource", "pctrank", "pctranklower", "pctrankupper"}
		f.SetSheetRow("Sheet1", "A1", &header)
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			f.SetSheetRow("Sheet1", cell, &r)
		}
		var buf bytes.Buffer
		f.Write(&buf)
		return buf.Bytes()
	}
	ti := func(rows [][]any) []byte {
		f := excelize.NewFile()
		defer f.Close()
		f.SetSheetName("Sheet1", "CPI Timeseries 2012 - 2023")
		sh := "CPI Timeseries 2012 - 2023"
		f.SetSheetRow(sh, "A1", &[]any{"Corruption Perceptions Index 2023: Score timeseries since 2012"})
		f.SetSheetRow(sh, "A2", &[]any{"EMBARGOED UNTIL 30.01.2024"})
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+4)
			f.SetSheetRow(sh, cell, &r)
		}
		var buf bytes.Buffer
		f.Write(&buf)
		return buf.Bytes()
	}
	tiHeader := []any{"Country / Territory", "ISO3", "Region", "CPI score 2023", "Rank 2023", "CPI Score 2012"}
	good := []any{"Guatemala", 2020, "cc", -0.5, 0.1, 9, 30.0, 20.0, 40.0}
	cases := []struct {
		name string
		data []byte
		ok   bool
	}{
		{"good", wgi([][]any{good}), true},
		{"non-numeric estimate", wgi([][]any{{"Guatemala", 2020, "cc", "weak", 0.1, 9, 30.0, 20.0, 40.0}}), false},
		{"duplicate row", wgi([][]any{good, good}), false},
		{"unknown dimension", wgi([][]any{{"Guatemala", 2020, "xx", -0.5, 0.1, 9, 30.0, 20.0, 40.0}}), false},
		{"wrong header", func() []byte {
			f := excelize.NewFile()
			defer f.Close()
			f.SetSheetRow("Sheet1", "A1", &[]any{"country", "yr", "value"})
			f.SetSheetRow("Sheet1", "A2", &[]any{"Guatemala", 2020, 1.0})
			var buf bytes.Buffer
			f.Write(&buf)
			return buf.Bytes()
		}(), false},
		{"truncated workbook", wgi([][]any{good})[:500], false},
		{"ti good", ti([][]any{tiHeader, {"Guatemala", "GTM", "AME", 23, 154, 33}}), true},
		{"ti wrong header", ti([][]any{{"Nation", "Code", "Score"}, {"Guatemala", "GTM", 23}}), false},
		{"ti non-numeric score", ti([][]any{tiHeader, {"Guatemala", "GTM", "AME", "twenty", 154, 33}}), false},
		{"ti score out of range", ti([][]any{tiHeader, {"Guatemala", "GTM", "AME", 230, 154, 33}}), false},
		{"ti duplicate row", ti([][]any{tiHeader, {"Honduras", "HND", "AME", 23, 154, 28}, {"Honduras", "HND", "AME", 23, 154, 28}}), false},
		{"ti truncated", ti([][]any{tiHeader, {"Guatemala", "GTM", "AME", 23, 154, 33}})[:700], false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := countValues(t, db)
			format := "wgi"
			if strings.HasPrefix(c.name, "ti ") {
				format = "ti-cpi"
			}
			_, err := importBytes(t, db, format, "book.xlsx", c.data)
			if c.ok && err != nil {
				t.Fatal(err)
			}
			if !c.ok {
				if !errors.Is(err, ErrInvalidFile) {
					t.Fatalf("got %v, want ErrInvalidFile", err)
				}
				if countValues(t, db) != before {
					t.Error("refused workbook changed the database")
				}
			}
		})
	}
}

// TestReimportKeepsRevision: a changed value is updated and the earlier one
// kept, and shown with the series.
func TestReimportKeepsRevision(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := opCtx()
		v1 := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2020,15.3,per 100k,test\n"
		v2 := "country_iso3,indicator,period,value,unit,source\nGTM,homicide_rate,2020,15.8,per 100k,test\n"
		if _, err := importBytes(t, db, "", "a.csv", []byte(v1)); err != nil {
			t.Fatal(err)
		}
		rep, err := importBytes(t, db, "", "a.csv", []byte(v2))
		if err != nil || rep.Updated != 1 {
			t.Fatalf("re-import: %v, updated %d", err, rep.Updated)
		}
		list, err := New(db).LoadSeries(ctx, SeriesFilter{Country: "GTM", Indicator: "homicide_rate"})
		if err != nil || len(list) != 1 || len(list[0].Points) != 1 {
			t.Fatalf("series: %v %+v", err, list)
		}
		p := list[0].Points[0]
		if *p.Value != 15.8 || len(p.Revisions) != 1 || *p.Revisions[0].OldValue != 15.3 {
			t.Errorf("point %+v, revisions %+v; want 15.8 with earlier 15.3", p, p.Revisions)
		}
	})
}

// FuzzImport feeds arbitrary bytes to every format (dry run, no database):
// an importer may refuse a file but must never panic.
func FuzzImport(f *testing.F) {
	for _, c := range brokenCases {
		b := readFile(f, c.file)
		if len(b) > 2000 {
			b = b[:2000]
		}
		f.Add(b, uint8(0))
	}
	f.Add([]byte("SECTOR,October\n\"r1,2"), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		names := append([]string{""}, formatNamesForFuzz()...)
		name := names[int(which)%len(names)]
		_, _ = New(nil).Import(opCtx(), Options{Format: name, Name: "fuzz", Reader: bytes.NewReader(data), DryRun: true})
	})
}

func formatNamesForFuzz() []string {
	var out []string
	for _, f := range Formats() {
		out = append(out, f.Name)
	}
	return out
}

// TestWGIAllEconomies: with --all-countries every one of the 214 WGI
// economies is stored under a code (the workbook has none).
func TestWGIAllEconomies(t *testing.T) {
	db := storetest.OpenSQLite(t)
	rep, err := New(db).Import(opCtx(), Options{Name: "wgi.xlsx", Reader: bytes.NewReader(readFile(t, "data/indicators/wb-wgi-2024-wgidataset.xlsx")), AllCountries: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(DISTINCT country) FROM ind_values WHERE indicator = 'wgi_cc'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 214 {
		t.Errorf("%d economies stored, want 214 (corrections: %+v)", n, rep.Corrections)
	}
	if v, ok := value(t, db, "KOR", "wgi_cc", "", "2023"); !ok || v == 0 {
		t.Errorf("Korea, Rep. not stored as KOR")
	}
}
