package indicators

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestSmallFixes: issue 12's small fixes, each on the shipped files.
func TestSmallFixes(t *testing.T) {
	db := storetest.OpenSQLite(t)
	svc := New(db)
	ctx := context.Background()

	// HHS average length of care is in days, not a count of children.
	if _, err := importBytes(t, db, "", "data/cbp-wapo/fy2018_fy2021.csv", readFile(t, "data/cbp-wapo/fy2018_fy2021.csv")); err != nil {
		t.Fatal(err)
	}
	for code, unit := range map[string]string{
		"hhs_average_length_of_care_for_those_discharged": "days",
		"hhs_children_in_care":                            "children",
		"hhs_maximum_number_of_operations_beds":           "beds",
	} {
		in, err := svc.GetIndicator(ctx, code)
		if err != nil || in.Unit != unit {
			t.Errorf("%s: unit %q (%v), want %q", code, in.Unit, err, unit)
		}
	}

	// FY2012's 24,481 is the all-sector total: stored as usbp-all.
	rep, err := importBytes(t, db, "", "data/uac/uac_by_country_fy.csv", readFile(t, "data/uac/uac_by_country_fy.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := value(t, db, "ALL", "uac_encounters", "usbp-all", "FY2012"); !ok || v != 24481 {
		t.Errorf("FY2012 all sectors: %v %v", v, ok)
	}
	if _, ok := value(t, db, "ALL", "uac_encounters", "usbp-swb-maybe-all", "FY2012"); ok {
		t.Error("FY2012 still stored as 'may include other sectors'")
	}
	found := false
	for _, c := range rep.Corrections {
		found = found || strings.Contains(c.Reason, "24,403")
	}
	if !found {
		t.Error("the report does not say why FY2012's scope was settled")
	}

	// The World Bank's "Latin America and the Caribbean" (PIP) is its own
	// region, not the UN's; the UN's (WPP) stays UN_LAC.
	for _, bf := range BuiltinFiles {
		if !strings.Contains(bf.Path, "pip") && !strings.Contains(bf.Path, "unwpp") {
			continue
		}
		f, size, err := OpenBuiltin(bf.Path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.Import(opCtx(), Options{Format: bf.Format, Name: bf.Path, Reader: f, Size: size, Source: bf.Source})
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM ind_values v JOIN ind_sources s ON s.id = v.source_id
		WHERE v.country = 'UN_LAC' AND s.skey LIKE '%pip%'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d PIP values under the UN's region (%v)", n, err)
	}
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM ind_values v JOIN ind_sources s ON s.id = v.source_id
		WHERE v.country = 'WB_LAC' AND s.skey LIKE '%pip%'`).Scan(&n); err != nil || n == 0 {
		t.Errorf("no PIP values under the World Bank's region (%v)", err)
	}
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM ind_values v JOIN ind_sources s ON s.id = v.source_id
		WHERE v.country = 'UN_LAC' AND s.skey LIKE '%unwpp%'`).Scan(&n); err != nil || n == 0 {
		t.Errorf("no WPP values under the UN's region (%v)", err)
	}

	// export --all-sources: every source of a period, one row each; the
	// default keeps the top-ranked source only.
	if _, err := importBytes(t, db, "", "data/cbp-wapo/monthly_uac_apprehensions_by_sector_fy.csv",
		readFile(t, "data/cbp-wapo/monthly_uac_apprehensions_by_sector_fy.csv")); err != nil {
		t.Fatal(err)
	}
	rows := func(all bool) [][]string {
		var b bytes.Buffer
		f := SeriesFilter{Country: "ALL", Indicator: "uac_encounters"}
		if err := svc.ExportCSVWith(ctx, &b, ExportOptions{Filter: f, AllSources: all}); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(&b).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	fy2014 := func(recs [][]string) (srcs []string) {
		for _, r := range recs {
			if r[2] == "FY2014" && r[6] == "usbp-swb" {
				srcs = append(srcs, r[5])
			}
		}
		return srcs
	}
	top, all := fy2014(rows(false)), fy2014(rows(true))
	if len(top) != 1 || len(all) < 2 {
		t.Errorf("FY2014 southwest border: default %v, --all-sources %v; want one, then every source", top, all)
	}
}
