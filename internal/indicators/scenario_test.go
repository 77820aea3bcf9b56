package indicators

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

// scenarioPair is a covariate x (a log random walk) and a series y whose
// log moves 1.5 times x's plus a little noise.
func scenarioPair(n int) (x, y []float64) {
	rng := rand.New(rand.NewPCG(12, 2025))
	lx, ly := 7.0, 5.0
	for range n {
		d := 0.2 * rng.NormFloat64()
		lx += d
		ly += 1.5*d + 0.02*rng.NormFloat64()
		x = append(x, math.Exp(lx))
		y = append(y, math.Exp(ly))
	}
	return x, y
}

// TestScenarioRecoversCovariate: when the series follows the covariate,
// the scenario's slope is the true 1.5, its conditional backtest beats
// the model without the covariate by more than chance, and its forecast at
// an assumed level is naive's times (level / last)^beta.
func TestScenarioRecoversCovariate(t *testing.T) {
	x, y := scenarioPair(120)
	o := ForecastOptions{Season: 1, Log: true, NonNegative: true}
	const h = 3
	bt, err := runBacktest(y, h, 36, o)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := newScenario(x, ModelNaive, h, 36, bt.roll, bt.tracks[ModelNaive])
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(sc.Beta-1.5) > 0.05 {
		t.Errorf("beta %.3f, want 1.5", sc.Beta)
	}
	if sc.VsBase.Verdict != VerdictBetter || sc.Backtest.Origins == 0 {
		t.Errorf("scenario vs naive %+v over %d origins, want better", sc.VsBase, sc.Backtest.Origins)
	}
	level := 2 * x[len(x)-1]
	f, err := sc.At(level)
	if err != nil {
		t.Fatal(err)
	}
	want := y[len(y)-1] * math.Pow(2, sc.Beta)
	for j := range h {
		if math.Abs(f.Point[j]-want) > 1e-6*want || !(f.Lower80[j] < f.Point[j] && f.Point[j] < f.Upper80[j] && f.Upper80[j] < f.Upper95[j]) {
			t.Errorf("h%d: %.2f [%.2f, %.2f] 95%% up to %.2f, want point %.2f inside its intervals", j+1, f.Point[j], f.Lower80[j], f.Upper80[j], f.Upper95[j], want)
		}
	}
	if _, err := sc.At(0); err == nil {
		t.Error("level 0 accepted on the log scale")
	}
}

// TestScenarioUsesOnlyThePast: the scenario's forecast from an origin,
// its slope and intervals, is the same whether the data stop just after
// the covariate path it uses or go on (the covariate's later values enter
// only as the assumed path, never through the slope or the calibration).
func TestScenarioUsesOnlyThePast(t *testing.T) {
	x, y := scenarioPair(90)
	o := ForecastOptions{Season: 1, Log: true, NonNegative: true}
	const h, origin = 2, 60
	run := func(n int) Forecast {
		bt, err := runBacktest(y[:n], h, 36, o)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := newScenario(x[:n], ModelNaive, h, 36, bt.roll, bt.tracks[ModelNaive])
		if err != nil {
			t.Fatal(err)
		}
		f, _, err := sc.roll.calibrated(ModelScenario, origin, h)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	short, long := run(origin+h), run(90)
	for j := range h {
		if short.Point[j] != long.Point[j] || short.Upper80[j] != long.Upper80[j] || short.Lower95[j] != long.Lower95[j] {
			t.Errorf("h%d: %+v with the data to %d, %+v with all", j+1, short, origin+h, long)
		}
	}
}

// TestScenarioOnRealSeries: Guatemala's monthly series gets the scenario
// with the nationwide total as covariate and its conditional track record
// on the same origins as naive's; the nationwide series itself gets none
// and says why.
func TestScenarioOnRealSeries(t *testing.T) {
	if testing.Short() {
		t.Skip("imports the built-in data")
	}
	db := storetest.OpenSQLite(t)
	ctx := opCtx()
	svc := New(db)
	if _, err := svc.ImportBuiltin(ctx, nil); err != nil {
		t.Fatal(err)
	}
	f, err := svc.Forecast(ctx, SeriesQuery{Country: "GTM", Indicator: "uac_encounters", Frequency: Monthly}, "", 12, ModelDefault)
	if err != nil {
		t.Fatal(err)
	}
	sc := f.Scenario
	if sc == nil {
		t.Fatalf("no scenario for GTM: %s", f.ScenarioNote)
	}
	var base Score
	for _, s := range f.Backtest.Scores {
		if s.Model == f.Forecast.Model {
			base = s
		}
	}
	t.Logf("GTM %s MASE %.3f held %.1f%% / %.1f%%; scenario with %s beta %.2f: MASE %.3f held %.1f%% / %.1f%%, diff %+.3f tested %v",
		base.Model, base.MASE, 100*base.Cover80, 100*base.Cover95, sc.Covariate, sc.Beta, sc.Backtest.MASE, 100*sc.Backtest.Cover80, 100*sc.Backtest.Cover95, sc.VsBase.Diff, sc.VsBase.Tested)
	if sc.Covariate != "ALL/uac_encounters/month/cbp-enc-nw" || sc.Backtest.Origins != base.Origins || sc.Backtest.Forecast != base.Forecast {
		t.Errorf("scenario %s on %d origins (%d forecasts), want the nationwide series on naive's %d (%d)", sc.Covariate, sc.Backtest.Origins, sc.Backtest.Forecast, base.Origins, base.Forecast)
	}
	if f.Backtest.Coverage != CoverageTooNarrow {
		t.Errorf("GTM: coverage verdict %q, want %q (NOTES: 57.7%% / 84.6%%)", f.Backtest.Coverage, CoverageTooNarrow)
	}
	if math.Abs(sc.VsBase.Diff-(sc.Backtest.MASE-base.MASE)) > 1e-9 {
		t.Errorf("difference %v is not the MASE gap %v", sc.VsBase.Diff, sc.Backtest.MASE-base.MASE)
	}
	all, err := svc.Forecast(ctx, SeriesQuery{Country: "ALL", Indicator: "uac_encounters", Frequency: Monthly}, "", 12, ModelDefault)
	if err != nil {
		t.Fatal(err)
	}
	if all.Scenario != nil || all.ScenarioNote == "" {
		t.Errorf("ALL: scenario %+v, note %q; want none, with the reason", all.Scenario, all.ScenarioNote)
	}
}
