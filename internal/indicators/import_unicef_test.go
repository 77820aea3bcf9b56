package indicators

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

const unicefU18File = "data/indicators/unicef-dm-pop-u18-2020-2022.csv.gz"

// gunzip reads a shipped .gz file whole.
func gunzip(t *testing.T, path string) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(readFile(t, path)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// gitBlob is the id git gives a file's content.
func gitBlob(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// TestUNICEFUnder18File: the shipped file is the copy's git blob byte for
// byte, and every both-sexes cell of the focus countries, read by a plain
// CSV reader, is what the built-in import stored (in persons: UNICEF
// publishes thousands). The female and male rows, read past, add up to the
// totals; nothing else is stored.
func TestUNICEFUnder18File(t *testing.T) {
	raw := gunzip(t, unicefU18File)
	if got := gitBlob(raw); got != "154e562976b0ba3f02cfe873b506bdc465943896" {
		t.Fatalf("git blob %s: not the copy's UNICEF child pop.csv (data/README.md)", got)
	}
	if sum := sha256.Sum256(raw); hex.EncodeToString(sum[:]) != "0e1e995f5b8067c36b8fcb108b80c2e2b6818791ba8d26fe75d1c77c1816a3e4" {
		t.Fatalf("uncompressed sha256 %x", sum)
	}
	rows, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2260 || len(rows[0]) != 22 || rows[0][1] != "ref_area_geographic_area" {
		t.Fatalf("%d rows, header %q", len(rows), rows[0])
	}

	db := storetest.OpenSQLite(t)
	reports, err := New(db).ImportBuiltin(opCtx(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var rep *Report
	for _, r := range reports {
		if r.File == unicefU18File {
			rep = r
		}
	}
	if rep == nil || rep.Format != "unicef-dw" {
		t.Fatalf("no report for %s: %+v", unicefU18File, rep)
	}

	focus := map[string]bool{"GTM": true, "HND": true, "SLV": true, "NIC": true, "MEX": true, "USA": true}
	bySex := map[string]float64{} // country/year/sex -> thousands
	compared := 0
	for _, r := range rows[1:] {
		area, sex, year, cell := unicefCode(r[1]), unicefCode(r[3]), r[4], r[5]
		if r[2] != "DM_POP_U18: Population under age 18" || r[6] != "3: Thousands" || r[7] != "PS: Persons" {
			t.Fatalf("row %q", r)
		}
		if !focus[area] {
			continue
		}
		v, err := strconv.ParseFloat(cell, 64)
		if err != nil {
			t.Fatal(err)
		}
		bySex[area+"/"+year+"/"+sex] = v
		if sex != "_T" {
			continue
		}
		want, err := strconv.ParseFloat(cell+"e3", 64)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := value(t, db, area, "population_0_17", "", year)
		if !ok || got != want {
			t.Errorf("%s %s: stored %v (%v), file %s thousand", area, year, got, ok, cell)
		}
		compared++
	}
	if compared != 18 {
		t.Errorf("%d focus-country totals compared, want 6 countries x 3 years", compared)
	}
	for key, total := range bySex {
		if !strings.HasSuffix(key, "/_T") {
			continue
		}
		base := strings.TrimSuffix(key, "_T")
		if d := bySex[base+"F"] + bySex[base+"M"] - total; d > 1e-6 || d < -1e-6 {
			t.Errorf("%s: female + male - total = %v thousand", key, d)
		}
	}
	var n int
	if err := db.QueryRow(opCtx(), `SELECT COUNT(*) FROM ind_values WHERE indicator = 'population_0_17'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 18 {
		t.Errorf("%d population_0_17 values stored, want the 18 focus-country totals", n)
	}
	// 753 rows per sex: 250 areas and WORLD, 3 years. Read past: the 1,506
	// female and male rows and WORLD's 3 totals; out of the default scope:
	// the other 732 totals.
	if rep.RowsRead != 2259 || rep.Skipped != 1509 || rep.OutOfScope != 732 || rep.Inserted+rep.Unchanged != 18 {
		t.Errorf("report: read %d, skipped %d, out of scope %d, inserted %d, unchanged %d", rep.RowsRead, rep.Skipped, rep.OutOfScope, rep.Inserted, rep.Unchanged)
	}

	// Cells looked up in the file (grep) when the test was written, and the
	// notes: 2022 is a WPP 2022 projection, 2021 an estimate.
	for _, s := range []struct {
		country, year string
		want          float64
	}{
		{"GTM", "2020", 6947961.5}, {"HND", "2022", 3781651}, {"SLV", "2021", 1967452.5},
		{"NIC", "2022", 2456752}, {"MEX", "2020", 38479240}, {"USA", "2021", 74734921.5},
	} {
		if got, ok := value(t, db, s.country, "population_0_17", "", s.year); !ok || got != s.want {
			t.Errorf("%s %s = %v (%v), want %v", s.country, s.year, got, ok, s.want)
		}
	}
	notes := map[string]string{}
	var skey string
	for _, year := range []string{"2021", "2022"} {
		var note string
		if err := db.QueryRow(opCtx(), `SELECT v.note, s.skey FROM ind_values v JOIN ind_sources s ON s.id = v.source_id
			WHERE v.country = 'GTM' AND v.indicator = 'population_0_17' AND v.period = ?`, year).Scan(&note, &skey); err != nil {
			t.Fatal(err)
		}
		notes[year] = note
	}
	if !strings.Contains(notes["2022"], "2022 is a WPP 2022 projection") || strings.Contains(notes["2021"], "projection") ||
		!strings.HasPrefix(notes["2021"], "UNICEF DM_POP_U18") {
		t.Errorf("notes %q", notes)
	}
	if skey != "unicef-dw:unicef-dm-pop-u18-2020-2022.csv.gz" {
		t.Errorf("source %q", skey)
	}
}

// unicefHeader is an export's header as UNICEF writes it (the shipped copy
// has janitor's names for the same columns).
const unicefHeader = "DATAFLOW,REF_AREA:Geographic area,INDICATOR:Indicator,SEX:Sex,TIME_PERIOD:Time period,OBS_VALUE:Observation Value," +
	"UNIT_MULTIPLIER:Unit multiplier,UNIT_MEASURE:Unit of measure,DATA_SOURCE:Data Source\n"

// TestUNICEFFormat: a UNICEF export is recognised by its header, its
// totals stored in persons, its other indicators, sexes and WORLD read past
// and counted, a missing value left a gap.
func TestUNICEFFormat(t *testing.T) {
	wpp := `"World Population Prospects 2022, Online Edition."`
	file := unicefHeader +
		"UNICEF:DM(1.0),HND: Honduras,DM_POP_U18: Population under age 18,_T: Total,2021,3784.397,3: Thousands,PS: Persons," + wpp + "\n" +
		"UNICEF:DM(1.0),HND: Honduras,DM_POP_U18: Population under age 18,_T: Total,2022,3781651,0: Units,PS: Persons," + wpp + "\n" +
		"UNICEF:DM(1.0),HND: Honduras,DM_POP_U18: Population under age 18,F: Female,2021,1846.8825,3: Thousands,PS: Persons," + wpp + "\n" +
		"UNICEF:DM(1.0),HND: Honduras,DM_POP_U5: Population under age 5,_T: Total,2021,1000,3: Thousands,PS: Persons," + wpp + "\n" +
		"UNICEF:DM(1.0),GTM: Guatemala,DM_POP_U18: Population under age 18,_T: Total,2021,NA,3: Thousands,PS: Persons," + wpp + "\n" +
		"UNICEF:DM(1.0),WORLD: World,DM_POP_U18: Population under age 18,_T: Total,2021,2400000,3: Thousands,PS: Persons," + wpp + "\n"
	db := storetest.OpenSQLite(t)
	rep, err := New(db).Import(opCtx(), Options{Name: "fusion_GLOBAL_DATAFLOW_UNICEF.csv", Reader: strings.NewReader(file)})
	if err != nil {
		t.Fatalf("%v %+v", err, rep)
	}
	if rep.Format != "unicef-dw" {
		t.Fatalf("detected as %q", rep.Format)
	}
	for _, c := range []struct {
		year string
		want float64
	}{{"2021", 3784397}, {"2022", 3781651}} {
		if got, ok := value(t, db, "HND", "population_0_17", "", c.year); !ok || got != c.want {
			t.Errorf("HND %s = %v (%v), want %v", c.year, got, ok, c.want)
		}
	}
	if v, ok := value(t, db, "GTM", "population_0_17", "", "2021"); ok {
		t.Errorf("NA stored as %v", v)
	}
	if rep.Skipped != 3 || countValues(t, db) != 2 {
		t.Errorf("skipped %d, stored %d; want the female, under-5 and WORLD rows read past and 2 values", rep.Skipped, countValues(t, db))
	}
	scaled := 0
	for _, c := range rep.Corrections {
		if strings.Contains(c.Reason, "multiplied by 10^3") {
			scaled++
		}
	}
	if scaled != 1 {
		t.Errorf("the unit conversion is recorded %d times, want once: %+v", scaled, rep.Corrections)
	}
}

// TestUNICEFFormatRefusals: a cell Amparo cannot read refuses the whole
// file (422 upstream), and nothing is stored.
func TestUNICEFFormatRefusals(t *testing.T) {
	good := []string{"UNICEF:DM(1.0)", "HND: Honduras", "DM_POP_U18: Population under age 18", "_T: Total", "2021", "3784.397", "3: Thousands", "PS: Persons", "WPP 2022"}
	for _, c := range []struct {
		name  string
		col   int
		cell  string
		field string
	}{
		{"unknown sex", 3, "X: Other", "SEX"},
		{"area without a code", 1, "Honduras", "REF_AREA"},
		{"another unit", 7, "USD: US dollars", "UNIT_MEASURE"},
		{"not a year", 4, "2021-Q1", "TIME_PERIOD"},
		{"multiplier out of range", 6, "12: Trillions", "UNIT_MULTIPLIER"},
		{"not a number", 5, "3.784.397", "OBS_VALUE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			row := append([]string(nil), good...)
			row[c.col] = c.cell
			file := unicefHeader + strings.Join(row, ",") + "\n"
			db := storetest.OpenSQLite(t)
			rep, err := New(db).Import(opCtx(), Options{Name: "bad.csv", Reader: strings.NewReader(file)})
			if err == nil || rep == nil || len(rep.Errors) != 1 || rep.Errors[0].Field != c.field {
				t.Fatalf("err %v, report %+v", err, rep)
			}
			if countValues(t, db) != 0 {
				t.Error("a refused file stored values")
			}
		})
	}
}

// TestUNICEFFormatRegistered: the format is in the detection list, so that
// import --builtin and a user's upload of the same file find it.
func TestUNICEFFormatRegistered(t *testing.T) {
	if f, ok := FormatByName("unicef-dw"); !ok || f != formatUNICEF {
		t.Fatal("unicef-dw is not a known format")
	}
}

// TestScaleDecimal: moving the decimal point gives the exact persons a
// thousands figure stands for, where floating-point multiplication can be
// off in the last digit.
func TestScaleDecimal(t *testing.T) {
	for _, c := range []struct {
		cell string
		exp  int
		want float64
	}{{"6947.9615", 3, 6947961.5}, {"74734.9215", 3, 74734921.5}, {"2", 6, 2e6}, {"1,234.5", 3, 1234500}} {
		v, _, err := parseNumber(c.cell)
		if err != nil {
			t.Fatal(err)
		}
		if got := scaleDecimal(c.cell, v, c.exp); got != c.want {
			t.Errorf("%s e%d = %v, want %v", c.cell, c.exp, got, c.want)
		}
	}
}
