package indicators

import (
	"fmt"
	"testing"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestCalibratedRealFlows checks the promises of the calibrated intervals
// on the real shipped monthly series (southwest border, all countries):
// the default's 80% and 95% intervals hold about as often as they say in
// the backtest (horizons 1-12), and the forecast as of May 2014 of fiscal
// 2015 holds what happened (39,970) in its 80% interval.
func TestCalibratedRealFlows(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the built-in data")
	}
	db := storetest.OpenSQLite(t)
	ctx := opCtx()
	svc := New(db)
	if _, err := svc.ImportBuiltin(ctx, nil); err != nil {
		t.Fatal(err)
	}
	q := SeriesQuery{Country: "ALL", Indicator: "uac_encounters", Frequency: Monthly}
	f, err := svc.Forecast(ctx, q, "", 12, ModelDefault)
	if err != nil {
		t.Fatal(err)
	}
	bt := f.Backtest
	t.Logf("default %s; %d values %s..%s", bt.Default, len(bt.Tail.Values), bt.Tail.Periods[0], bt.Tail.Periods[len(bt.Tail.Periods)-1])
	for _, s := range bt.Scores {
		line := ""
		if c := s.VsBenchmark; c != nil {
			line = " vs " + bt.Benchmark + " " + fmtF(c.Diff) + " [" + fmtF(c.Lower) + ", " + fmtF(c.Upper) + "] p " + fmtF(c.P) + " " + c.Verdict
		}
		t.Logf("%-15s MASE %.3f sMAPE %.1f cov80 %.3f cov95 %.3f (%d origins, %d)%s", s.Model, s.MASE, s.SMAPE, s.Cover80, s.Cover95, s.Origins, s.Forecast, line)
		for _, hs := range s.Horizons {
			t.Logf("    h%-2d n %3d MASE %.3f cov80 %.2f cov95 %.2f", hs.Horizon, hs.N, hs.MASE, hs.Cover80, hs.Cover95)
		}
	}
	var def *Score
	for i := range bt.Scores {
		if bt.Scores[i].Model == bt.Default {
			def = &bt.Scores[i]
		}
	}
	if def == nil {
		t.Fatalf("default %q not scored", bt.Default)
	}
	if def.Cover80 < 0.75 || def.Cover80 > 0.85 || def.Cover95 < 0.91 || def.Cover95 > 0.98 {
		t.Errorf("default %s holds %.1f%% / %.1f%%, want 75-85%% / 91-98%%", def.Model, 100*def.Cover80, 100*def.Cover95)
	}
	if bt.Coverage != CoverageHonest {
		t.Errorf("ALL: coverage verdict %q, want %q", bt.Coverage, CoverageHonest)
	}
	if f.Forecast.Model == ModelCombination && bt.Default != ModelCombination {
		t.Errorf("forecast labelled combination, default is %s", bt.Default)
	}

	if bt.Default != ModelSeasonalNaive || bt.Benchmark != ModelSeasonalNaive {
		t.Errorf("ALL: default %s, benchmark %s; want seasonal naive for both: the combination is better than it by more than chance, but its 95%% intervals held too rarely", bt.Default, bt.Benchmark)
	}

	// Fiscal 2015 from the data to May 2014 (the top of the surge), by
	// sample paths. The default is the benchmark, seasonal naive (no model
	// was better by more than chance on the 20 origins then available),
	// and its 80% interval holds the 39,970 that happened (naive, the
	// benchmark before 2026-11-30, extrapolated the May peak and did not);
	// the table records, model by model, which intervals held it, so that
	// a change shows. The 80% interval of a total must be narrower than the sum of
	// the monthly 80% bounds (the complaint).
	cases := []struct {
		model  string
		held80 bool
	}{
		{ModelDefault, true},
		{ModelNaive, false},
		{ModelSeasonalNaive, true},
		{ModelDrift, false},
		{ModelETSANA, true},
		{ModelETS, false},
		{ModelCombination, false},
	}
	for _, c := range cases {
		fy, err := svc.ForecastWindows(ctx, q, "2014-05", 12, c.model, WindowFiscalYear)
		if err != nil {
			t.Fatal(err)
		}
		var fy15 *WindowTotal
		for i, w := range fy.Totals {
			if w.Period == "FY2015" {
				fy15 = &fy.Totals[i]
			}
		}
		if fy15 == nil || len(fy.Totals) != 2 || fy.Totals[0].Period != "FY2014" || fy.Totals[0].ObservedMonths != 8 {
			t.Fatalf("%s: totals %+v, want FY2014 (8 months observed) and FY2015", c.model, fy.Totals)
		}
		t.Logf("%-14s (%s) FY2015 %.0f 80%% [%.0f, %.0f] 95%% [%.0f, %.0f], actual %.0f", c.model, fy.Forecast.Model, fy15.Forecast, fy15.Lower80, fy15.Upper80, fy15.Lower95, fy15.Upper95, deref(fy15.Actual))
		if fy15.Actual == nil || *fy15.Actual != 39970 {
			t.Errorf("FY2015 actual %v, want 39970 from the database", deref(fy15.Actual))
		}
		if held := fy15.Lower80 <= 39970 && 39970 <= fy15.Upper80; held != c.held80 {
			t.Errorf("%s: FY2015 80%% [%.0f, %.0f] held 39,970: %v, recorded %v", c.model, fy15.Lower80, fy15.Upper80, held, c.held80)
		}
		var lo, hi float64
		for j, p := range fy.Periods {
			if FiscalYearOfMonth(p) == 2015 {
				lo += fy.Forecast.Lower80[j]
				hi += fy.Forecast.Upper80[j]
			}
		}
		// The summed bounds are the total's bounds if the months moved in
		// lockstep. Less dependence narrows a total's interval, but not
		// exactly at both ends: quantiles of sums of right-skewed values
		// (exp of log-scale errors) are not subadditive, so the upper
		// bound may pass the summed one by a little (drift, whose
		// horizons are nearly comonotone: +0.8% since 2026-11-30). The
		// check is that the lower bound is always above the summed one and
		// the upper bound never more than 2% beyond it.
		if !(fy15.Lower80 > lo && fy15.Upper80 < 1.02*hi) {
			t.Errorf("%s: total's 80%% [%.0f, %.0f] not inside the summed bounds [%.0f, %.0f]", c.model, fy15.Lower80, fy15.Upper80, lo, hi)
		}
	}
}

func deref(p *float64) float64 {
	if p == nil {
		return -1
	}
	return *p
}

func fmtF(v float64) string { return strconvF(v) }

func strconvF(v float64) string { return fmt.Sprintf("%.3f", v) }
