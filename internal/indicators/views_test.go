package indicators

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

func series(f Frequency, start string, vals ...float64) Series {
	s := Series{Frequency: f}
	i := periodIndex(start)
	for k, v := range vals {
		v := v
		s.Points = append(s.Points, Point{Period: periodFromIndex(f, i+k), Value: &v})
	}
	return s
}

// One test per rule of surgeRules.
func TestSurgeRules(t *testing.T) {
	flat := []float64{100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100}
	cases := []struct {
		name string
		s    Series
		want []int // indexes marked
	}{
		{"month at 1.5x the 12-month median is a surge", series(Monthly, "2014-01", append(append([]float64{}, flat...), 150)...), []int{12}},
		{"month just below 1.5x is not", series(Monthly, "2014-01", append(append([]float64{}, flat...), 149)...), nil},
		{"fiscal year at 1.5x the year before", series(FiscalYear, "FY2012", 100, 150, 160), []int{1}},
		{"calendar year below 1.5x", series(Yearly, "2012", 100, 140), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Surges(c.s)
			var idx []int
			for i, b := range got {
				if b {
					idx = append(idx, i)
				}
			}
			if fmt.Sprint(idx) != fmt.Sprint(c.want) {
				t.Errorf("surges at %v, want %v", idx, c.want)
			}
		})
	}
}

func TestDataUntil(t *testing.T) {
	for in, want := range map[string]string{"2014-03": "2014-02", "2014-05-30": "2014-04", "2014": "2013-12", "2014-01": "2013-12"} {
		if got, err := dataUntil(in); err != nil || got != want {
			t.Errorf("dataUntil(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestCompareProjectionsEmpty: before any import there is nothing to
// compare, which is no error (the projections page answered 500 on a new
// installation).
func TestCompareProjectionsEmpty(t *testing.T) {
	rows, err := New(storetest.OpenSQLite(t)).CompareProjections(opCtx())
	if err != nil || len(rows) != 0 {
		t.Errorf("CompareProjections on an empty store: %d rows, %v", len(rows), err)
	}
}

// TestCompareProjections: every 2014 projection gets the actual count and
// a forecast from the data before it, which uses no later data.
func TestCompareProjections(t *testing.T) {
	db := storetest.OpenSQLite(t)
	ctx := opCtx()
	if _, err := New(db).ImportBuiltin(ctx, nil); err != nil {
		t.Fatal(err)
	}
	rows, err := New(db).CompareProjections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 {
		t.Fatalf("%d rows, want 6", len(rows))
	}
	for _, r := range rows {
		if r.Actual == nil {
			t.Errorf("%s %s: no actual count", r.MadeBy, r.TargetPeriod)
			continue
		}
		if r.Forecast == nil {
			t.Errorf("%s %s: no forecast: %s", r.MadeBy, r.TargetPeriod, r.ForecastErr)
			continue
		}
		t.Logf("%-10s %-60.60s %s projected %8.0f actual %8.0f amparo %8.0f [%0.f, %0.f] 95%% [%0.f, %0.f] %s (data to %s)", r.MadeOn, r.MadeBy, r.TargetPeriod, r.Projected, *r.Actual, *r.Forecast, *r.Lower80, *r.Upper80, *r.Lower95, *r.Upper95, r.Model, r.Until)
		if !(*r.Lower95 <= *r.Lower80 && *r.Lower80 <= *r.Forecast && *r.Forecast <= *r.Upper80 && *r.Upper80 <= *r.Upper95) || r.Model == "" {
			t.Errorf("forecast outside its own intervals, or no model named: %+v", r)
		}
		// The same total as the forecast page and `forecast --total
		// fiscal_year` give for that cut-off (sample paths, not summed
		// monthly bounds).
		q := SeriesQuery{Country: "ALL", Indicator: "uac_encounters", Frequency: Monthly}
		target, _ := strconv.Atoi(r.TargetPeriod[2:])
		f, err := New(db).ForecastWindows(ctx, q, r.Until, target*12+8-MonthIndex(r.Until), ModelDefault, WindowFiscalYear)
		if err != nil {
			t.Fatal(err)
		}
		compared := false
		for _, w := range f.Totals {
			compared = compared || w.Period == r.TargetPeriod
			if w.Period == r.TargetPeriod && (w.Forecast != *r.Forecast || w.Lower80 != *r.Lower80 || w.Upper95 != *r.Upper95) {
				t.Errorf("%s from %s: projections page %.0f [%.0f, %.0f], forecast %.0f [%.0f, %.0f]", r.TargetPeriod, r.Until,
					*r.Forecast, *r.Lower80, *r.Upper80, w.Forecast, w.Lower80, w.Upper80)
			}
		}
		if !compared {
			t.Errorf("%s from %s: the forecast has no such total", r.TargetPeriod, r.Until)
		}
	}
	if *rows[0].Actual != 68541 {
		t.Errorf("FY2014 actual %v, want 68541", *rows[0].Actual)
	}
}

func TestFillPeriods(t *testing.T) {
	cases := []struct{ in, want []string }{
		{[]string{"2021-01", "2021-03"}, []string{"2021-01", "2021-02", "2021-03"}},
		{[]string{"FY2019", "FY2021"}, []string{"FY2019", "FY2020", "FY2021"}},
		{[]string{"2012", "2014"}, []string{"2012", "2013", "2014"}},
		{[]string{"2014", "2014-03"}, []string{"2014", "2014-03"}}, // mixed: as given
	}
	for _, c := range cases {
		if got := FillPeriods(c.in); fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("FillPeriods(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}
