package indicators

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

const remittancesFile = "data/indicators/API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_3686014.csv"

// rawWDI reads a shipped World Bank wide CSV with a plain CSV reader: the
// header (1960 onwards) and the rows, after the optional WDI preamble and
// byte-order mark. The reader also checks that every row has the header's
// field count.
func rawWDI(t *testing.T, path string) (header []string, rows [][]string) {
	t.Helper()
	raw := bytes.TrimPrefix(readFile(t, path), []byte("\ufeff"))
	if i := bytes.Index(raw, []byte(`"Country Name"`)); i > 0 {
		raw = raw[i:]
	}
	all, err := csv.NewReader(bytes.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return all[0], all[1:]
}

// TestWDIFiles compares every focus-country cell of the shipped World Bank
// files (remittances, secondary enrolment, population aged 0-14), read by
// rawWDI, with what the built-in import stored, and checks each file's
// shape (the remittances copy was reassembled from an index, see
// data/README.md).
func TestWDIFiles(t *testing.T) {
	raw := readFile(t, remittancesFile)
	lines := bytes.SplitN(raw, []byte("\r\n"), 5)
	if len(lines) != 5 || string(lines[2]) != `"Last Updated Date","2022-02-15",` {
		t.Fatalf("remittances preamble: %q", lines[:4])
	}
	db := storetest.OpenSQLite(t)
	if _, err := New(db).ImportBuiltin(opCtx(), nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path, code, ind, lastYear string
		rows, minValues           int
	}{
		{remittancesFile, "BX.TRF.PWKR.DT.GD.ZS", "remittances_pct_gdp", "2020", 266, 30},
		// Reassembled like the remittances file; no value for the United States.
		{"data/indicators/API_SI.RMT.COST.IB.ZS_DS2_en_csv_v2_3692955.csv", "SI.RMT.COST.IB.ZS", "wdi_si_rmt_cost_ib_zs", "2020", 266, 10},
		// The copy lacks 8 aggregate rows (EAP to FCS), no country.
		{"data/indicators/API_SE.SEC.ENRR_DS2_en_csv_v2_4672725.csv", "SE.SEC.ENRR", "wdi_se_sec_enrr", "2021", 258, 25},
		{"data/indicators/API_SP.POP.0014.TO_DS2_en_csv_v2_4661114.csv", "SP.POP.0014.TO", "wdi_sp_pop_0014_to", "2021", 266, 62},
	}
	focus := map[string]bool{"GTM": true, "HND": true, "SLV": true, "NIC": true, "MEX": true, "USA": true}
	for _, c := range cases {
		header, rows := rawWDI(t, c.path)
		last := len(header) - 2 // every WDI line ends with a comma
		if header[4] != "1960" || header[last] != c.lastYear || header[last+1] != "" {
			t.Fatalf("%s: header %q..%q", c.path, header[4], header[last])
		}
		if len(rows) != c.rows {
			t.Errorf("%s: %d economies, want %d", c.path, len(rows), c.rows)
		}
		compared, empty := map[string]int{}, 0
		for _, row := range rows {
			if !focus[row[1]] {
				continue
			}
			if row[3] != c.code {
				t.Fatalf("%s %s: indicator %q", c.path, row[1], row[3])
			}
			for i := 4; i <= last; i++ {
				got, ok := value(t, db, row[1], c.ind, "", header[i])
				if row[i] == "" {
					empty++
					if ok {
						t.Errorf("%s %s %s: empty in the file, stored %v", c.ind, row[1], header[i], got)
					}
					continue
				}
				want, err := strconv.ParseFloat(row[i], 64)
				if err != nil {
					t.Fatalf("%s %s %s: %q", c.ind, row[1], header[i], row[i])
				}
				if !ok || got != want {
					t.Errorf("%s %s %s: stored %v (%v), file %s", c.ind, row[1], header[i], got, ok, row[i])
				}
				compared[row[1]]++
			}
		}
		for country := range focus {
			if compared[country] < c.minValues && !(c.ind == "wdi_si_rmt_cost_ib_zs" && country == "USA") {
				t.Errorf("%s %s: only %d values compared", c.ind, country, compared[country])
			}
		}
		t.Logf("%s: values equal to the file: %v; empty cells not stored: %d", c.ind, compared, empty)
	}

	// Cells looked up in the files (Python csv module) when the test was
	// written, and the gap in Nicaragua's remittances (1980-1991).
	for _, s := range []struct {
		country, ind, year string
		want               float64
	}{
		{"HND", "remittances_pct_gdp", "2020", 23.6184253756916},
		{"SLV", "remittances_pct_gdp", "2020", 24.0928003375617},
		{"GTM", "remittances_pct_gdp", "2014", 9.94158063209144},
		{"SLV", "remittances_pct_gdp", "1976", 0.455271699483237},
		{"NIC", "remittances_pct_gdp", "1992", 0.557786702365016},
		{"GTM", "wdi_se_sec_enrr", "2020", 50.4360389709473},
		{"MEX", "wdi_se_sec_enrr", "2019", 104.647239685059},
		{"GTM", "wdi_sp_pop_0014_to", "2021", 5626357},
		{"HND", "wdi_sp_pop_0014_to", "1960", 943817},
		{"SLV", "wdi_si_rmt_cost_ib_zs", "2020", 2.853846},
		{"GTM", "wdi_si_rmt_cost_ib_zs", "2011", 5.51658045977012},
	} {
		if got, ok := value(t, db, s.country, s.ind, "", s.year); !ok || got != s.want {
			t.Errorf("%s %s %s = %v (%v), want %v", s.country, s.ind, s.year, got, ok, s.want)
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

// TestWBWideByteOrderMark: a World Bank file that starts with a byte-order
// mark right before its quoted header (as the shipped enrolment and
// population copies do) is read, and the mark's removal recorded; before,
// encoding/csv refused the header as a bare quote.
func TestWBWideByteOrderMark(t *testing.T) {
	db := storetest.OpenSQLite(t)
	file := "\ufeff\"Country Name\",\"Country Code\",\"Indicator Name\",\"Indicator Code\",\"2020\",\"2021\",\r\n" +
		"\"Honduras\",\"HND\",\"Population ages 0-14, total\",\"SP.POP.0014.TO\",\"3029639\",\"3029636\",\r\n"
	rep, err := New(db).importFile(opCtx(), Options{Format: "wb-wide", Name: "bom.csv", Reader: strings.NewReader(file), Size: int64(len(file))})
	if err != nil {
		t.Fatalf("%v %+v", err, rep)
	}
	if got, ok := value(t, db, "HND", "wdi_sp_pop_0014_to", "", "2021"); !ok || got != 3029636 {
		t.Errorf("HND 2021 = %v (%v)", got, ok)
	}
	found := false
	for _, c := range rep.Corrections {
		found = found || c.Original == "byte-order mark"
	}
	if !found {
		t.Errorf("the removed byte-order mark is not recorded: %+v", rep.Corrections)
	}
}
