package indicators

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"testing"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

const remittancesFile = "data/indicators/API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_3686014.csv"

// TestWDIRemittances compares every focus-country cell of the shipped World
// Bank remittances file, read here by a plain CSV reader, with what the
// built-in import stored as remittances_pct_gdp, and checks the file's shape
// (the copy was reassembled from an index, see data/README.md).
func TestWDIRemittances(t *testing.T) {
	raw := readFile(t, remittancesFile)
	// The WDI preamble: "Data Source", blank, "Last Updated Date", blank.
	lines := bytes.SplitN(raw, []byte("\r\n"), 5)
	if len(lines) != 5 || string(lines[2]) != `"Last Updated Date","2022-02-15",` {
		t.Fatalf("preamble: %q", lines[:4])
	}
	r := csv.NewReader(bytes.NewReader(lines[4]))
	rows, err := r.ReadAll() // also checks that every row has the header's field count
	if err != nil {
		t.Fatal(err)
	}
	header := rows[0]
	if len(header) != 4+61+1 || header[4] != "1960" || header[64] != "2020" || header[65] != "" {
		t.Fatalf("header: %d fields, %q..%q", len(header), header[4], header[len(header)-2])
	}
	if n := len(rows) - 1; n != 266 {
		t.Errorf("%d economies, want 266", n)
	}

	db := storetest.OpenSQLite(t)
	if _, err := New(db).ImportBuiltin(opCtx(), nil); err != nil {
		t.Fatal(err)
	}
	focus := map[string]bool{"GTM": true, "HND": true, "SLV": true, "NIC": true, "MEX": true, "USA": true}
	compared, empty := map[string]int{}, 0
	for _, row := range rows[1:] {
		if !focus[row[1]] {
			continue
		}
		if row[3] != "BX.TRF.PWKR.DT.GD.ZS" {
			t.Fatalf("%s: indicator %q", row[1], row[3])
		}
		for i := 4; i < 65; i++ {
			got, ok := value(t, db, row[1], "remittances_pct_gdp", "", header[i])
			if row[i] == "" {
				empty++
				if ok {
					t.Errorf("%s %s: empty in the file, stored %v", row[1], header[i], got)
				}
				continue
			}
			want, err := strconv.ParseFloat(row[i], 64)
			if err != nil {
				t.Fatalf("%s %s: %q", row[1], header[i], row[i])
			}
			if !ok || got != want {
				t.Errorf("%s %s: stored %v (%v), file %s", row[1], header[i], got, ok, row[i])
			}
			compared[row[1]]++
		}
	}
	for c := range focus {
		if compared[c] < 30 {
			t.Errorf("%s: only %d values compared", c, compared[c])
		}
	}
	t.Logf("values equal to the file: %v; empty cells not stored: %d", compared, empty)

	// Cells looked up in the file (Python csv module) when the test was
	// written, and the gap in Nicaragua's series (1980-1991).
	for _, s := range []struct {
		country, year string
		want          float64
	}{
		{"HND", "2020", 23.6184253756916},
		{"SLV", "2020", 24.0928003375617},
		{"GTM", "2014", 9.94158063209144},
		{"SLV", "1976", 0.455271699483237},
		{"NIC", "1992", 0.557786702365016},
	} {
		if got, ok := value(t, db, s.country, "remittances_pct_gdp", "", s.year); !ok || got != s.want {
			t.Errorf("%s %s = %v (%v), want %v", s.country, s.year, got, ok, s.want)
		}
	}
	if v, ok := value(t, db, "NIC", "remittances_pct_gdp", "", "1985"); ok {
		t.Errorf("NIC 1985 is empty in the file, stored %v", v)
	}
	var src string
	if err := db.QueryRow(opCtx(), `SELECT s.skey FROM ind_values v JOIN ind_sources s ON s.id = v.source_id
		WHERE v.country = 'HND' AND v.indicator = 'remittances_pct_gdp' AND v.period = '2020'`).Scan(&src); err != nil {
		t.Fatal(err)
	}
	if src != "wb-wdi:API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_3686014.csv" {
		t.Errorf("HND 2020 source %q", src)
	}
}
