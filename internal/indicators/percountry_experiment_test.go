package indicators

import (
	"os"
	"testing"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestPerCountryCoverage prints the backtest of each country's monthly
// series (horizons 1-12, the series the forecast picks) and splits the
// default's coverage by where its forecasts fall against the collapse of
// early 2025 (NOTES.md "Per-country monthly backtests"): both origin and
// target before January 2025, origin before February 2025 and target from
// January 2025 on (no past error could show the break), origin from
// February 2025 on. AMPARO_EXPERIMENT=1 runs it (it imports the built-in
// data).
func TestPerCountryCoverage(t *testing.T) {
	if os.Getenv("AMPARO_EXPERIMENT") == "" {
		t.Skip("AMPARO_EXPERIMENT=1 runs it")
	}
	db := storetest.OpenSQLite(t)
	ctx := opCtx()
	svc := New(db)
	if _, err := svc.ImportBuiltin(ctx, nil); err != nil {
		t.Fatal(err)
	}
	collapse := MonthIndex("2025-01")
	for _, c := range []string{"ALL", "GTM", "HND", "SLV", "NIC", "MEX"} {
		bt, err := svc.BacktestSeries(ctx, SeriesQuery{Country: c, Indicator: "uac_encounters", Frequency: Monthly}, 12)
		if err != nil {
			t.Fatal(err)
		}
		tl := bt.Tail
		for _, s := range bt.Scores {
			t.Logf("%s %s (%d values) %-14s MASE %.3f held %.1f%% / %.1f%%", c, tl.Series.Scope, len(tl.Values), s.Model, s.MASE, 100*s.Cover80, 100*s.Cover95)
		}
		type acc struct{ n, in80, in95 int }
		var parts [3]acc
		for _, b := range bt.run.tracks[bt.Default] {
			for i := range b.f.Point {
				k := 0
				switch {
				case MonthIndex(tl.Periods[b.origin-1]) >= collapse+1:
					k = 2
				case MonthIndex(tl.Periods[b.origin+i]) >= collapse:
					k = 1
				}
				a := tl.Values[b.origin+i]
				parts[k].n++
				if a >= b.f.Lower80[i] && a <= b.f.Upper80[i] {
					parts[k].in80++
				}
				if a >= b.f.Lower95[i] && a <= b.f.Upper95[i] {
					parts[k].in95++
				}
			}
		}
		for k, name := range []string{"before the break", "across the break", "after the break"} {
			if p := parts[k]; p.n > 0 {
				t.Logf("%s default %s, %s: n %d held %.0f%% / %.0f%%", c, bt.Default, name, p.n, 100*float64(p.in80)/float64(p.n), 100*float64(p.in95)/float64(p.n))
			}
		}
	}
}
