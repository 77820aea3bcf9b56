package indicators

import (
	"testing"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

// TestBacktestRealFlows runs the backtests reported in the note on the
// real series, and checks what can honestly be checked: every model is
// scored and coverage is a proportion.
func TestBacktestRealFlows(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the built-in data")
	}
	db := storetest.OpenSQLite(t)
	ctx := opCtx()
	if _, err := New(db).ImportBuiltin(ctx, nil); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		country string
		freq    Frequency
		h       int
	}{
		{"ALL", Monthly, 12},
		{"ALL", FiscalYear, 1},
		{"GTM", FiscalYear, 1},
		{"HND", FiscalYear, 1},
		{"SLV", FiscalYear, 1},
		{"MEX", FiscalYear, 1},
	}
	for _, c := range cases {
		t.Run(c.country+"/"+string(c.freq), func(t *testing.T) {
			tail, in, err := New(db).PickSeries(ctx, SeriesQuery{Country: c.country, Indicator: "uac_encounters", Frequency: c.freq}, "")
			if err != nil {
				t.Fatal(err)
			}
			o := OptionsFor(in, tail)
			minTrain := 5
			if c.freq == Monthly {
				minTrain = 36
			}
			scores, err := Backtest(tail.Values, c.h, minTrain, o)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s %s scope=%s %s..%s n=%d h=%d", c.country, c.freq, tail.Series.Scope, tail.Periods[0], tail.Periods[len(tail.Periods)-1], len(tail.Values), c.h)
			for _, s := range scores {
				t.Logf("  %-15s MASE %.3f  sMAPE %.1f%%  cov80 %.2f  cov95 %.2f  (%d origins, %d forecasts)", s.Model, s.MASE, s.SMAPE, s.Cover80, s.Cover95, s.Origins, s.Forecast)
				if s.Cover80 < 0 || s.Cover80 > 1 || s.Cover95 < s.Cover80 {
					t.Errorf("%s: coverage 80%% %.2f, 95%% %.2f is not a nested proportion", s.Model, s.Cover80, s.Cover95)
				}
			}
			if len(scores) != len(Models(o.Season)) {
				t.Errorf("scored %d models, want %d", len(scores), len(Models(o.Season)))
			}
		})
	}
}
