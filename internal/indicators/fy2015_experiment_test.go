package indicators

import (
	"math"
	"os"
	"testing"

	"github.com/amparo-project/amparo/internal/store/storetest"
)

// The FY2015 investigation (issue 12, NOTES.md "Can a principled default
// hold FY2015?"). Candidate procedures were fixed before any was run, each
// made only with data up to each origin; each is scored on the ALL
// backtest (horizons 1-12, the coverage bands) and on fiscal 2015 as of
// May 2014. AMPARO_EXPERIMENT=1 runs it (it imports the built-in data).

// experimentBase are the models the combinations draw on.
var experimentBase = []string{ModelNaive, ModelSeasonalNaive, ModelDrift, ModelETSANA, ModelETS}

// addCombination adds model name to r: at each origin t and horizon j the
// base models' working-scale points weighted by w(t, j) (nil weights:
// equal), then calibrated like any model (adapt).
func addCombination(r *rolling, name string, weighted bool) {
	n := len(r.y)
	list := make([]*Forecast, n-r.from+1)
	for t := r.from; t <= n; t++ {
		var parts []*Forecast
		var names []string
		for _, m := range experimentBase {
			if f := r.at(m, t); f != nil {
				parts = append(parts, f)
				names = append(names, m)
			}
		}
		if len(parts) == 0 {
			continue
		}
		f := &Forecast{Model: name}
		for j := range r.h {
			w := make([]float64, len(parts))
			sum := 0.0
			for k := range parts {
				w[k] = 1
				if weighted {
					// inverse mean squared error at horizon j over earlier
					// origins whose target is observed (o+j+1 <= t)
					se, c := 0.0, 0
					for o := r.from; o+j+1 <= t; o++ {
						if p := r.at(names[k], o); p != nil {
							e := r.work[o+j] - p.Point[j]
							se += e * e
							c++
						}
					}
					if c >= calibMinErrors {
						w[k] = float64(c) / se
					}
				}
				sum += w[k]
			}
			var pt, l80, u80, l95, u95 float64
			for k, p := range parts {
				a := w[k] / sum
				pt += a * p.Point[j]
				l80 += a * p.Lower80[j]
				u80 += a * p.Upper80[j]
				l95 += a * p.Lower95[j]
				u95 += a * p.Upper95[j]
			}
			f.Point = append(f.Point, pt)
			f.Lower80 = append(f.Lower80, l80)
			f.Upper80 = append(f.Upper80, u80)
			f.Lower95 = append(f.Lower95, l95)
			f.Upper95 = append(f.Upper95, u95)
		}
		list[t-r.from] = f
	}
	r.fc[name] = list
	r.adapt(name)
}

// scoreRolling is runBacktest's loop for one model of r.
func scoreRolling(r *rolling, model string, minTrain, h, m int) (Score, []btOrigin) {
	y := r.y
	var track []btOrigin
	for origin := minTrain; origin < len(y); origin++ {
		f, _, err := r.calibrated(model, origin, min(h, len(y)-origin))
		if err != nil {
			continue
		}
		scale := 0.0
		for t := m; t < origin; t++ {
			scale += math.Abs(y[t] - y[t-m])
		}
		track = append(track, btOrigin{origin: origin, f: f, scale: scale / float64(origin-m)})
	}
	return scoreTrack(model, y, h, track), track
}

// minMASEAt is the model with the lowest MASE over the origins whose h
// targets were observed before t (no significance test).
func minMASEAt(bt *backtest, y []float64, h, t int) string {
	best, bm := ModelNaive, math.Inf(1)
	for _, s := range bt.scores {
		var tr []btOrigin
		for _, b := range bt.tracks[s.Model] {
			if b.origin+h <= t {
				tr = append(tr, b)
			}
		}
		if len(tr) == 0 {
			continue
		}
		if sc := scoreTrack(s.Model, y, h, tr); sc.MASE < bm {
			best, bm = s.Model, sc.MASE
		}
	}
	return best
}

func TestFY2015Experiment(t *testing.T) {
	if os.Getenv("AMPARO_EXPERIMENT") == "" {
		t.Skip("AMPARO_EXPERIMENT=1 runs the FY2015 investigation")
	}
	db := storetest.OpenSQLite(t)
	ctx := opCtx()
	svc := New(db)
	if _, err := svc.ImportBuiltin(ctx, nil); err != nil {
		t.Fatal(err)
	}
	q := SeriesQuery{Country: "ALL", Indicator: "uac_encounters", Frequency: Monthly}

	// 1. The whole backtest, horizons 1-12.
	tail, in, err := svc.PickSeries(ctx, q, "")
	if err != nil {
		t.Fatal(err)
	}
	o := OptionsFor(in, tail)
	const h = 12
	mt := backtestFirstOrigin(Monthly, 12)
	bt, err := runBacktest(tail.Values, h, mt, o)
	if err != nil {
		t.Fatal(err)
	}
	r := bt.roll
	addCombination(r, "comb_equal5", false)
	addCombination(r, "comb_invmse", true)
	addDampedLevel(r, "damped_level")
	for _, name := range []string{"comb_equal5", "comb_invmse", "damped_level"} {
		sc, _ := scoreRolling(r, name, mt, h, 12)
		t.Logf("%-12s MASE %.3f cov80 %.1f%% cov95 %.1f%% (%d origins)", name, sc.MASE, 100*sc.Cover80, 100*sc.Cover95, sc.Origins)
		for _, hs := range sc.Horizons {
			t.Logf("    h%-2d %2.0f / %2.0f", hs.Horizon, 100*hs.Cover80, 100*hs.Cover95)
		}
	}
	// min-MASE selection re-made at each origin.
	var track []btOrigin
	choices := map[string]int{}
	for _, b := range bt.tracks[ModelNaive] {
		m := minMASEAt(bt, tail.Values, h, b.origin)
		choices[m]++
		for _, c := range bt.tracks[m] {
			if c.origin == b.origin {
				track = append(track, c)
			}
		}
	}
	sc := scoreTrack("minmase", tail.Values, h, track)
	t.Logf("minmase_sel  MASE %.3f cov80 %.1f%% cov95 %.1f%% %v", sc.MASE, 100*sc.Cover80, 100*sc.Cover95, choices)
	// Naive calibrated with a pool of the horizons from 6 on.
	r.pool = 6
	r.adapt(ModelNaive)
	sc, _ = scoreRolling(r, ModelNaive, mt, h, 12)
	t.Logf("naive_pool6  MASE %.3f cov80 %.1f%% cov95 %.1f%%", sc.MASE, 100*sc.Cover80, 100*sc.Cover95)
	for _, hs := range sc.Horizons {
		t.Logf("    h%-2d %2.0f / %2.0f", hs.Horizon, 100*hs.Cover80, 100*hs.Cover95)
	}
	r.pool = 0

	// 2. Fiscal 2015 as of May 2014.
	tail, _, err = svc.PickSeries(ctx, q, "2014-05")
	if err != nil {
		t.Fatal(err)
	}
	o = OptionsFor(in, tail)
	hh, err := windowHorizon(tail, 12, WindowFiscalYear)
	if err != nil {
		t.Fatal(err)
	}
	bt2, err := runBacktest(tail.Values, hh, mt, o)
	if err != nil {
		t.Fatal(err)
	}
	r2 := bt2.roll
	addCombination(r2, "comb_equal5", false)
	addCombination(r2, "comb_invmse", true)
	addDampedLevel(r2, "damped_level")
	stored := map[string]float64{}
	for _, p := range tail.Series.Points {
		if p.Value != nil {
			stored[p.Period] = *p.Value
		}
	}
	n := len(tail.Values)
	periods := NextPeriods(tail.Periods[n-1], hh)
	t.Logf("as of %s, horizon %d; min-MASE selection picks %s", tail.Periods[n-1], hh, minMASEAt(bt2, tail.Values, hh, n))
	for _, name := range append(Models(12), "comb_equal5", "comb_invmse", "damped_level") {
		_, sp, err := r2.calibrated(name, n, hh)
		if err != nil {
			t.Fatal(err)
		}
		paths := samplePaths(r2.at(name, n).Point[:hh], sp, samplePathCount, o)
		for _, w := range windowTotals(tail, periods, paths, WindowFiscalYear, stored) {
			if w.Period == "FY2015" {
				t.Logf("%-14s FY2015 %.0f 80%% [%.0f, %.0f] 95%% [%.0f, %.0f] held80 %v (errors at h16: %d)", name, w.Forecast, w.Lower80, w.Upper80, w.Lower95, w.Upper95,
					w.Lower80 <= 39970 && 39970 <= w.Upper80, sp[hh-1].N)
			}
		}
	}
	r2.pool = 6
	r2.adapt(ModelNaive)
	_, sp, err := r2.calibrated(ModelNaive, n, hh)
	if err != nil {
		t.Fatal(err)
	}
	paths := samplePaths(r2.at(ModelNaive, n).Point[:hh], sp, samplePathCount, o)
	for _, w := range windowTotals(tail, periods, paths, WindowFiscalYear, stored) {
		if w.Period == "FY2015" {
			t.Logf("naive_pool6    FY2015 %.0f 80%% [%.0f, %.0f] 95%% [%.0f, %.0f] held80 %v (errors at h16: %d)", w.Forecast, w.Lower80, w.Upper80, w.Lower95, w.Upper95,
				w.Lower80 <= 39970 && 39970 <= w.Upper80, sp[hh-1].N)
		}
	}
}

// addDampedLevel adds a seasonal model with a damped (mean-reverting)
// level on the working scale: x_t = s_month + d_t, d_t - mu = rho (d_{t-1}
// - mu) + e_t, seasonal terms the training months' mean deviations, rho
// and mu by least squares (rho in [0, 0.99]); intervals its own
// (sigma * sqrt(sum rho^2k)) until calibrated.
func addDampedLevel(r *rolling, name string) {
	n := len(r.y)
	list := make([]*Forecast, n-r.from+1)
	for t := r.from; t <= n; t++ {
		x := r.work[:t]
		mean := 0.0
		for _, v := range x {
			mean += v
		}
		mean /= float64(len(x))
		var s [12]float64
		var c [12]int
		for i, v := range x {
			s[i%12] += v - mean
			c[i%12]++
		}
		for k := range s {
			s[k] /= float64(c[k])
		}
		d := make([]float64, len(x))
		for i, v := range x {
			d[i] = v - s[i%12]
		}
		// OLS of d_t on d_{t-1}
		var sx, sy, sxx, sxy float64
		k := float64(len(d) - 1)
		for i := 1; i < len(d); i++ {
			sx += d[i-1]
			sy += d[i]
			sxx += d[i-1] * d[i-1]
			sxy += d[i-1] * d[i]
		}
		rho := (k*sxy - sx*sy) / (k*sxx - sx*sx)
		rho = math.Min(math.Max(rho, 0), 0.99)
		mu := (sy - rho*sx) / k / (1 - rho)
		var res []float64
		for i := 1; i < len(d); i++ {
			res = append(res, d[i]-mu-rho*(d[i-1]-mu))
		}
		sigma := rmse(res)
		point, sd := make([]float64, r.h), make([]float64, r.h)
		dev, v := d[len(d)-1]-mu, 0.0
		for j := range r.h {
			dev *= rho
			v += math.Pow(rho, float64(2*j))
			point[j] = mu + dev + s[(t+j)%12]
			sd[j] = sigma * math.Sqrt(v)
		}
		f := withIntervals(point, sd)
		f.Model = name
		list[t-r.from] = &f
	}
	r.fc[name] = list
	r.adapt(name)
}
