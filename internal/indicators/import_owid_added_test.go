package indicators

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"testing"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

// rawOWIDColumn reads one column of a shipped OWID file for the focus
// countries, with its own plain reader: entity name -> year -> cell.
func rawOWIDColumn(t *testing.T, path, column string) map[string]map[string]string {
	t.Helper()
	var in io.Reader = bytes.NewReader(readFile(t, path))
	if path[len(path)-3:] == ".gz" {
		zr, err := gzip.NewReader(in)
		if err != nil {
			t.Fatal(err)
		}
		in = zr
	}
	rows, err := csv.NewReader(in).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col, yearCol := -1, -1
	for i, h := range rows[0] {
		switch h {
		case column:
			col = i
		case "Year":
			yearCol = i
		}
	}
	if col < 0 || yearCol < 0 || rows[0][0] != "Entity" {
		t.Fatalf("%s: header %v", path, rows[0][:3])
	}
	names := map[string]bool{"Guatemala": true, "Honduras": true, "El Salvador": true, "Nicaragua": true, "Mexico": true, "United States": true}
	out := map[string]map[string]string{}
	for _, r := range rows[1:] {
		if names[r[0]] && r[col] != "" {
			if out[r[0]] == nil {
				out[r[0]] = map[string]string{}
			}
			out[r[0]][r[yearCol]] = r[col]
		}
	}
	return out
}

// TestAddedOWIDSeries compares every value of the focus countries in the
// undernourishment and EM-DAT files with what the built-in import stored,
// and checks the two quirks: values at the floor of 5 are upper bounds
// (kept, with a note), and a drought recorded without a count (0) is left
// out as unknown.
func TestAddedOWIDSeries(t *testing.T) {
	db := storetest.OpenSQLite(t)
	if _, err := New(db).ImportBuiltin(opCtx(), nil); err != nil {
		t.Fatal(err)
	}
	iso := map[string]string{"Guatemala": "GTM", "Honduras": "HND", "El Salvador": "SLV", "Nicaragua": "NIC", "Mexico": "MEX", "United States": "USA"}
	cases := []struct {
		file, column, ind string
		minValues         int
	}{
		{"data/indicators/owid-undernourishment-wb2017-sofi2018.csv", "Prevalence of undernourishment (World Bank 2017 & UN FAO SOFI (2018))", "undernourishment_pct", 125},
		{"data/indicators/owid-emdat-natural-disasters.csv.gz", "total_affected_drought", "drought_affected", 20},
		{"data/indicators/owid-youth-unemployment-ilo.csv", "Unemployment rate, ages 15-24", "youth_unemployment_pct", 200},
	}
	for _, c := range cases {
		compared, zeros := 0, 0
		for name, years := range rawOWIDColumn(t, c.file, c.column) {
			for year, cell := range years {
				want, err := strconv.ParseFloat(cell, 64)
				if err != nil {
					t.Fatalf("%s %s %s: %q", c.ind, name, year, cell)
				}
				got, ok := value(t, db, iso[name], c.ind, "", year)
				if want == 0 && owidZeroUnknown[c.ind] {
					zeros++
					if ok {
						t.Errorf("%s %s %s: a zero (no figure) stored as %v", c.ind, name, year, got)
					}
					continue
				}
				if !ok || got != want {
					t.Errorf("%s %s %s: stored %v (%v), file %s", c.ind, name, year, got, ok, cell)
				}
				compared++
			}
		}
		if compared < c.minValues {
			t.Errorf("%s: compared only %d values", c.ind, compared)
		}
		t.Logf("%s: %d values agree with the file, %d zeros left out", c.ind, compared, zeros)
	}
	// Spot rows read in the files by eye.
	for _, s := range []struct {
		country, ind, period string
		want                 float64
	}{
		{"GTM", "undernourishment_pct", "2015", 15.6},
		{"NIC", "undernourishment_pct", "1991", 54.4},
		{"MEX", "undernourishment_pct", "2004", 5.5},
		{"HND", "drought_affected", "2014", 571710},
		{"GTM", "drought_affected", "2009", 2500000},
		{"GTM", "youth_unemployment_pct", "2022", 6.274},
	} {
		if got, ok := value(t, db, s.country, s.ind, "", s.period); !ok || got != s.want {
			t.Errorf("%s %s %s = %v (%v), want %v", s.country, s.ind, s.period, got, ok, s.want)
		}
	}
	if v, ok := value(t, db, "GTM", "drought_affected", "", "1994"); ok {
		t.Errorf("GTM 1994: a drought recorded with 0 affected stored as %v, want left out", v)
	}
	var note string
	if err := db.QueryRow(context.Background(), `SELECT note FROM ind_values WHERE country = 'MEX' AND indicator = 'undernourishment_pct' AND period = '2010'`).Scan(&note); err != nil {
		t.Fatal(err)
	}
	if note != "at most 5: the source writes every value below 5 as 5" {
		t.Errorf("MEX 2010 (5, the floor) has note %q", note)
	}
	if err := db.QueryRow(context.Background(), `SELECT note FROM ind_values WHERE country = 'MEX' AND indicator = 'undernourishment_pct' AND period = '2004'`).Scan(&note); err != nil || note != "" {
		t.Errorf("MEX 2004 (5.5) has note %q (%v), want none", note, err)
	}
}

// owidColumnFor is the OWID header of an indicator code.
func owidColumnFor(t *testing.T, code string) string {
	t.Helper()
	for h, c := range owidColumns {
		if c == code {
			return h
		}
	}
	t.Fatalf("no OWID column for %s", code)
	return ""
}

// TestOWIDValueRules: one case per row of owidFloors and owidZeroUnknown.
func TestOWIDValueRules(t *testing.T) {
	for code, floor := range owidFloors {
		t.Run("floor/"+code, func(t *testing.T) {
			db := storetest.OpenSQLite(t)
			f := strconv.FormatFloat(floor, 'f', -1, 64)
			data := "Entity,Year," + strconv.Quote(owidColumnFor(t, code)) + "\nGuatemala,2001," + f + "\nGuatemala,2002," + strconv.FormatFloat(floor+1.5, 'f', -1, 64) + "\n"
			rep, err := importBytes(t, db, "owid", "floor.csv", []byte(data))
			if err != nil {
				t.Fatalf("%v %v", err, rep.Errors)
			}
			for period, wantNote := range map[string]bool{"2001": true, "2002": false} {
				var note string
				if err := db.QueryRow(context.Background(), `SELECT note FROM ind_values WHERE indicator = ? AND period = ?`, code, period).Scan(&note); err != nil {
					t.Fatal(err)
				}
				if (note != "") != wantNote {
					t.Errorf("%s: note %q, want a note: %v", period, note, wantNote)
				}
			}
		})
	}
	for code := range owidZeroUnknown {
		t.Run("zero/"+code, func(t *testing.T) {
			db := storetest.OpenSQLite(t)
			data := "Entity,Year," + strconv.Quote(owidColumnFor(t, code)) + "\nGuatemala,2001,0.0\nGuatemala,2002,7.0\n"
			rep, err := importBytes(t, db, "owid", "zero.csv", []byte(data))
			if err != nil {
				t.Fatalf("%v %v", err, rep.Errors)
			}
			if _, ok := value(t, db, "GTM", code, "", "2001"); ok {
				t.Error("0 stored; it means no figure")
			}
			if v, ok := value(t, db, "GTM", code, "", "2002"); !ok || v != 7 {
				t.Errorf("2002 = %v (%v), want 7", v, ok)
			}
			if len(rep.Corrections) == 0 {
				t.Error("the zeros left out are not recorded")
			}
		})
	}
}
