package indicators

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/store"
	"github.com/amparo-project/amparo/internal/store/storetest"
)

// cbpSpotChecks were summed from the raw files with awk (zcat | awk -F,
// on the month, region, demographic, citizenship and title columns), a
// third reader besides the importer and make_cbp_uc.py.
var cbpSpotChecks = []struct {
	country, scope, period string
	want                   float64
}{
	{"HND", "cbp-enc-swlb", "2021-03", 5947},    // fy20-fy23: FY2021 MAR, Southwest Land Border, UC / Single Minors, HONDURAS
	{"ALL", "cbp-enc-nw", "2025-10", 930},       // fy23-fy26-nov: "2026 (FYTD)" OCT, UAC, every row
	{"SLV", "cbp-enc-nw-t42", "2020-06", 28},    // fy20-fy23: FY2020 JUN, EL SALVADOR, Title 42
	{"MEX", "cbp-enc-swlb-t8", "2024-05", 2853}, // fy22-fy25: FY2024 MAY, Southwest Land Border, UAC, MEXICO, Title 8
	{"NIC", "cbp-enc-nw", "2020-04", 0},         // no NICARAGUA UC row in April 2020: a listed citizenship, so zero
	{"GTM", "cbp-enc-nw", "2021-10", 5076},      // the same in fy20-fy23 and fy22-fy25
}

// TestCBPNationwideAgreesWithScript imports the shipped releases and
// compares every value shown (the newest release's) with
// testdata/cbp_uc_monthly.csv, which make_cbp_uc.py derived from the same
// raw files with its own reader, and with the spot checks above.
func TestCBPNationwideAgreesWithScript(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := opCtx()
	svc := New(db)
	for _, bf := range BuiltinFiles {
		if bf.Format != "cbp-nationwide" {
			continue
		}
		f, _, err := OpenBuiltin(bf.Path)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := svc.Import(ctx, Options{Format: bf.Format, Name: bf.Path, Reader: f, Source: bf.Source})
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v %v", bf.Path, err, rep.Errors)
		}
		t.Logf("%s: %d rows read, %d values inserted, corrections %+v", bf.Path, rep.RowsRead, rep.Inserted, rep.Corrections)
	}
	rows, err := csv.NewReader(bytes.NewReader(readFile(t, "testdata/cbp_uc_monthly.csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, r := range rows[1:] {
		country, period, scope := r[0], r[2], r[6]
		v, err := strconv.ParseFloat(r[3], 64)
		if err != nil {
			t.Fatal(err)
		}
		want[country+"/"+scope+"/"+period] = true
		got, ok := value(t, db, country, "uac_encounters", scope, period)
		if !ok || got != v {
			t.Errorf("%s %s %s: stored %v (%v), script %v", country, scope, period, got, ok, v)
		}
	}
	// Nothing stored that the script does not have (for the six codes).
	dbRows, err := db.Query(ctx, `SELECT DISTINCT country, scope, period FROM ind_values WHERE scope LIKE 'cbp-enc-%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer dbRows.Close()
	stored := 0
	for dbRows.Next() {
		var c, sc, p string
		if err := dbRows.Scan(&c, &sc, &p); err != nil {
			t.Fatal(err)
		}
		stored++
		if !want[c+"/"+sc+"/"+p] {
			t.Errorf("%s %s %s stored but not in the script's table", c, sc, p)
		}
	}
	if stored != len(rows)-1 || stored < 2400 {
		t.Errorf("%d series points stored, the script has %d", stored, len(rows)-1)
	}
	for _, c := range cbpSpotChecks {
		if got, ok := value(t, db, c.country, "uac_encounters", c.scope, c.period); !ok || got != c.want {
			t.Errorf("spot %s %s %s = %v (%v), want %v", c.country, c.scope, c.period, got, ok, c.want)
		}
	}
	// A fiscal year in progress gets no total; Title 42 series stop with
	// the Title 42 era.
	for _, absent := range [][3]string{{"GTM", "cbp-enc-nw", "FY2026"}, {"GTM", "cbp-enc-nw-t42", "2023-06"}, {"ALL", "cbp-enc-swlb-t42", "2020-02"}, {"ALL", "cbp-enc-nw-t42", "FY2024"}} {
		if v, ok := value(t, db, absent[0], "uac_encounters", absent[1], absent[2]); ok {
			t.Errorf("%v stored as %v", absent, v)
		}
	}
	// The three releases overlap (FY2022-FY2023 twice, FY2023 three times):
	// each is kept as its own source, the newest shown.
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM ind_values v JOIN ind_sources s ON s.id = v.source_id
		WHERE v.country = 'GTM' AND v.scope = 'cbp-enc-nw' AND v.period = '2023-01'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("January 2023 held by %d releases, want 3", n)
	}
}

// cbpSample builds a small file in the state layout.
func cbpSample(rows ...string) []byte {
	return []byte("Fiscal Year,Month Grouping,Month (abbv),Land Border Region,State,Demographic,Citizenship,Title of Authority,Encounter Count\r\n" +
		strings.Join(rows, "\r\n") + "\r\n")
}

// TestCBPNationwideQuirks: the label changes of later releases are read
// and recorded; a wrong row refuses the file and changes nothing.
func TestCBPNationwideQuirks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		good := cbpSample(
			"2026 (FYTD),FYTD,OCT,Southwest Land Border,TX,UAC,HONDURAS,Title 8,7",
			"2026 (FYTD),FYTD,OCT,Southwest Land Border,AZ,UAC,HONDURAS,Title 8,5",
			"2026 (FYTD),FYTD,OCT,Other,FL,UAC,\"CHINA, PEOPLES REPUBLIC OF\",Title 8,2",
			"2026 (FYTD),FYTD,OCT,Northern Land Border,WA,Single Adults,GUATEMALA,Title 8,40",
		)
		rep, err := importBytes(t, db, "", "sample.csv", good)
		if err != nil {
			t.Fatalf("%v %v", err, rep.Errors)
		}
		if rep.Format != "cbp-nationwide" {
			t.Fatalf("detected %s", rep.Format)
		}
		for _, c := range []struct {
			country, scope string
			want           float64
		}{
			{"HND", "cbp-enc-swlb", 12}, {"HND", "cbp-enc-nw-t8", 12}, {"ALL", "cbp-enc-nw", 14}, {"ALL", "cbp-enc-swlb", 12},
			{"GTM", "cbp-enc-nw", 0}, // listed (single adults) but no child: zero
		} {
			if got, ok := value(t, db, c.country, "uac_encounters", c.scope, "2025-10"); !ok || got != c.want {
				t.Errorf("%s %s = %v (%v), want %v", c.country, c.scope, got, ok, c.want)
			}
		}
		reasons := ""
		for _, c := range rep.Corrections {
			reasons += c.Original + ": " + c.Reason + "\n"
		}
		for _, w := range []string{"2026 (FYTD): fiscal year in progress", "UAC: CBP's later label", "FY2026 has 1 month(s)", "CHINA, PEOPLES REPUBLIC OF"} {
			if !strings.Contains(reasons, w) {
				t.Errorf("corrections lack %q:\n%s", w, reasons)
			}
		}
		before := countValues(t, db)
		line := "2021,FYTD,MAR,Southwest Land Border,TX,UC / Single Minors,HONDURAS,Title 8,3"
		for name, data := range map[string][]byte{
			"duplicate row":           cbpSample(line, line),
			"unknown demographic":     cbpSample(strings.Replace(line, "UC / Single Minors", "Minors", 1)),
			"unknown region":          cbpSample(strings.Replace(line, "Southwest Land Border", "Coastal", 1)),
			"unknown title":           cbpSample(strings.Replace(line, "Title 8", "Title 9", 1)),
			"Title 42 after May 2023": cbpSample("2024,FYTD,MAR,Southwest Land Border,TX,UAC,HONDURAS,Title 42,3"),
			"fraction":                cbpSample(strings.Replace(line, ",3", ",2.5", 1)),
			"negative":                cbpSample(strings.Replace(line, ",3", ",-3", 1)),
			"empty count":             cbpSample(strings.TrimSuffix(line, "3")),
			"bad month":               cbpSample(strings.Replace(line, "MAR", "MARCH", 1)),
			"bad fiscal year":         cbpSample(strings.Replace(line, "2021,", "FY21,", 1)),
		} {
			rep, err := importBytes(t, db, "cbp-nationwide", "bad.csv", data)
			if !errors.Is(err, ErrInvalidFile) || rep == nil || len(rep.Errors) == 0 {
				t.Errorf("%s: got %v, want a refused file with its row error", name, err)
			}
			if got := countValues(t, db); got != before {
				t.Errorf("%s: refused file changed the database (%d values, want %d)", name, got, before)
			}
		}
	})
}

// TestCBPNationwideSnakeCase: tidytuesday's copy (janitor::clean_names,
// component and area-of-responsibility columns) is read the same way.
func TestCBPNationwideSnakeCase(t *testing.T) {
	db := storetest.OpenSQLite(t)
	data := []byte("fiscal_year,month_grouping,month_abbv,component,land_border_region,area_of_responsibility,aor_abbv,demographic,citizenship,title_of_authority,encounter_type,encounter_count\n" +
		"2021,FYTD,MAR,U.S. Border Patrol,Southwest Land Border,Rio Grande Valley Sector,RGV,UC / Single Minors,GUATEMALA,Title 8,Apprehensions,9\n" +
		"2021,FYTD,MAR,Office of Field Operations,Southwest Land Border,Laredo Field Office,Laredo,UC / Single Minors,GUATEMALA,Title 8,Inadmissibles,1\n")
	rep, err := importBytes(t, db, "", "cbp_resp.csv", data)
	if err != nil || rep.Format != "cbp-nationwide" {
		t.Fatalf("%v %s %v", err, rep.Format, rep.Errors)
	}
	if got, ok := value(t, db, "GTM", "uac_encounters", "cbp-enc-swlb", "2021-03"); !ok || got != 10 {
		t.Errorf("GTM 2021-03 = %v (%v), want 10", got, ok)
	}
	var src string
	if err := db.QueryRow(context.Background(), `SELECT s.skey FROM ind_values v JOIN ind_sources s ON s.id = v.source_id LIMIT 1`).Scan(&src); err != nil {
		t.Fatal(err)
	}
	if src != "cbp-nationwide-encounters:cbp_resp.csv" {
		t.Errorf("source %q: a file imported with --file is its own source", src)
	}
}
