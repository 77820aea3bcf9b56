package indicators

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"gonum.org/v1/gonum/stat/distuv"
)

// Calibrated intervals. A model's own (parametric) intervals assume its
// errors are what its one-step residuals say; on the border series they
// were too narrow (76% / 89% held against 80% / 95%). Here the intervals
// come from the model's own rolling-origin errors instead: at origin t the
// forecast from every earlier origin o whose target o+j-1 is already
// observed (o+j <= t) gives one error at horizon j, on the working scale
// (log for counts). The 80% and 95% intervals are the point forecast plus
// or minus the split-conformal quantiles of the absolute errors at that
// horizon. No value after t is used: the same code calibrates a backtest
// origin and today's forecast.

// IntervalsMethod says in one sentence how forecast intervals are made.
const IntervalsMethod = "calibrated: split-conformal quantiles of the model's own absolute errors (log scale for counts) at each horizon from earlier rolling origins whose targets were observed, levels adjusted by adaptive conformal inference; totals from sample paths"

// rolling is every model's forecast from every origin of a series on the
// working scale: the material of both the backtest and the calibration.
type rolling struct {
	y    []float64 // the series as stored
	work []float64 // on the working scale
	o    ForecastOptions
	from int // first origin (training length)
	h    int
	fc   map[string][]*Forecast // by model; index origin-from, origins from..len(y)
	sp   map[string][][]spread  // by model and origin as fc: calibrated spreads, h long
	// pool, when > 0, calibrates every horizon j >= pool on the errors of
	// horizons pool..j together, each widened by sqrt(j/i) (an
	// alternative tried for long horizons, NOTES.md; 0 in the product).
	pool int
}

// calibrationStart is the shortest series a calibrated forecast is made
// on, and the first backtest origin at the least: where the most demanding
// model (seasonal ETS) can be fitted, so that every model is scored on the
// same origins. Each model's errors calibrate from its own first origin
// (rules.go calibrationFrom), which may be earlier.
func calibrationStart(m int) int {
	if m > 1 {
		return 2*m + 2
	}
	return 6
}

// newRolling fits models at every origin from their calibrationFrom to len(y)
// (the last one is today's forecast), h steps ahead.
func newRolling(y []float64, h int, o ForecastOptions, models []string) (*rolling, error) {
	m := max(o.Season, 1)
	work := y
	if o.Log {
		work = make([]float64, len(y))
		for i, v := range y {
			if v <= 0 {
				return nil, fmt.Errorf("indicators: log model needs positive values (got %v)", v)
			}
			work[i] = math.Log(v)
		}
	}
	if need := calibrationStart(m); len(y) < need {
		return nil, fmt.Errorf("%w: %d values, calibrated forecasts need %d", ErrTooShort, len(y), need)
	}
	// Models are fitted from the earliest origin any model calibrates from;
	// each keeps its forecasts from its own calibrationFrom on.
	first := len(y)
	for _, model := range models {
		first = min(first, calibrationFrom(model, m))
	}
	r := &rolling{y: y, work: work, o: o, from: first, h: h, fc: map[string][]*Forecast{}, sp: map[string][][]spread{}}
	for _, model := range models {
		r.fc[model] = make([]*Forecast, len(y)-r.from+1)
	}
	for origin := r.from; origin <= len(y); origin++ {
		train := work[:origin]
		cache := map[string]*Forecast{}
		errs := map[string]error{}
		fit := func(model string) (Forecast, error) {
			if f, ok := cache[model]; ok {
				return *f, nil
			}
			if err, ok := errs[model]; ok {
				return Forecast{}, err
			}
			f, err := runWork(model, train, h, m)
			if err != nil {
				errs[model] = err
				return Forecast{}, err
			}
			cache[model] = &f
			return f, nil
		}
		for _, model := range models {
			if origin < calibrationFrom(model, m) {
				continue
			}
			var f Forecast
			var err error
			if model == ModelCombination {
				var parts []Forecast
				parts, err = combinationParts(fit, len(train), m)
				if err == nil {
					f = combine(parts, h)
				}
			} else {
				f, err = fit(model)
			}
			if err == nil {
				r.fc[model][origin-r.from] = &f
			}
		}
	}
	for _, model := range models {
		r.adapt(model)
	}
	return r, nil
}

// adapt calibrates model's spreads at every origin in time order, and
// adjusts their levels by adaptive conformal inference (Gibbs and Candès,
// 2021): at each horizon, every past interval that missed its target
// widens the next ones and every one that held narrows them a little,
// alpha(t) = alpha + aciRate * sum over past targets of (alpha - missed),
// so that the share held tracks the nominal one when the errors change
// (surges). Only intervals whose targets are observed by t count.
func (r *rolling) adapt(model string) {
	n := len(r.y)
	list := make([][]spread, n-r.from+1)
	r.sp[model] = list
	// sum[k][j]: running sum of (alpha - missed) at horizon j for level k,
	// over targets observed so far; pending misses wait for their target.
	nominal := [2]float64{0.80, 0.95}
	var sum [2][]float64
	sum[0], sum[1] = make([]float64, r.h), make([]float64, r.h)
	type miss struct {
		due, j int
		d      [2]float64
	}
	var pending []miss
	for t := r.from; t <= n; t++ {
		keep := pending[:0]
		for _, m := range pending {
			if m.due <= t {
				sum[0][m.j] += m.d[0]
				sum[1][m.j] += m.d[1]
			} else {
				keep = append(keep, m)
			}
		}
		pending = keep
		sp, err := r.spreads(model, t, r.h)
		if err != nil {
			continue
		}
		f := r.at(model, t)
		for j := range sp {
			sp[j].L80 = nominal[0] - aciRate*sum[0][j]
			sp[j].L95 = nominal[1] - aciRate*sum[1][j]
			if target := t + j; target < n {
				e := math.Abs(r.work[target] - f.Point[j])
				var d [2]float64
				for k, lv := range []float64{sp[j].L80, sp[j].L95} {
					missed := 0.0
					if e > sp[j].half(lv) {
						missed = 1
					}
					d[k] = (1 - nominal[k]) - missed
				}
				pending = append(pending, miss{due: target + 1, j: j, d: d})
			}
		}
		list[t-r.from] = sp
	}
}

// at is model's working-scale forecast from origin t (nil if it could not
// be fitted there).
func (r *rolling) at(model string, t int) *Forecast {
	list := r.fc[model]
	if t < r.from || t-r.from >= len(list) {
		return nil
	}
	return list[t-r.from]
}

// spread is the error distribution at one horizon: the sorted absolute
// errors of past forecasts (times scale, when borrowed from a shorter
// horizon), or, with too few errors, the model's own normal spread.
type spread struct {
	abs   []float64
	scale float64
	sd    float64
	// N is the number of past errors used (0: the model's own interval);
	// From is the horizon they came from (the same horizon unless borrowed).
	N, From int
	// L80 and L95 are the levels the 80% and 95% intervals are read at,
	// adjusted by the past misses (adapt).
	L80, L95 float64
}

// absQuantile is the level quantile of the absolute errors, split-conformal
// style: the (n+1)*level-th smallest, interpolated between ranks and capped
// at the largest.
func (s spread) absQuantile(level float64) float64 {
	n := len(s.abs)
	r := level * float64(n+1)
	var v float64
	switch {
	case r <= 1:
		v = s.abs[0] * r
	case r >= float64(n):
		// Beyond the largest error: extend it as a normal tail would.
		top := float64(n) / float64(n+1)
		lv := min(level, maxLevel)
		v = s.abs[n-1] * distuv.UnitNormal.Quantile((1+lv)/2) / distuv.UnitNormal.Quantile((1+top)/2)
	default:
		lo := int(math.Floor(r))
		f := r - float64(lo)
		v = s.abs[lo-1]*(1-f) + s.abs[lo]*f
	}
	return v * s.scale
}

// half is the half-width of the central interval at level (0.8, 0.95).
func (s spread) half(level float64) float64 {
	level = min(max(level, 0), maxLevel)
	if s.abs == nil {
		return s.sd * distuv.UnitNormal.Quantile((1+level)/2)
	}
	return s.absQuantile(level)
}

// adjusted maps a nominal level to the adjusted one, through (0.8, L80)
// and (0.95, L95), linearly in between and towards (0, 0) and (1, 1).
func (s spread) adjusted(level float64) float64 {
	xs := []float64{0, 0.80, 0.95, 1}
	ys := []float64{0, s.L80, s.L95, 1}
	for i := 1; i < len(xs); i++ {
		if level <= xs[i] {
			f := (level - xs[i-1]) / (xs[i] - xs[i-1])
			return ys[i-1] + f*(ys[i]-ys[i-1])
		}
	}
	return 1
}

// quantile is the error at probability p (symmetric about zero), so that
// the quantiles at 0.1 and 0.9 are the 80% interval.
func (s spread) quantile(p float64) float64 {
	e := s.half(s.adjusted(math.Abs(2*p - 1)))
	if p < 0.5 {
		return -e
	}
	return e
}

// spreads are model's error distributions at horizons 1..h for a forecast
// from origin t, from errors whose targets are before t only. A horizon
// with fewer than calibMinErrors errors borrows those of the longest
// shorter horizon that has enough, widened by the square root of the
// horizons' ratio (as a random walk's errors grow); with none, the model's
// own interval is used.
func (r *rolling) spreads(model string, t, h int) ([]spread, error) {
	f := r.at(model, t)
	if f == nil {
		return nil, fmt.Errorf("%w: %s cannot be fitted on %d values", ErrTooShort, model, t)
	}
	out := make([]spread, h)
	best := 0 // longest horizon so far with enough errors
	for j := 1; j <= h; j++ {
		var abs []float64
		from := j
		if r.pool > 0 && j >= r.pool {
			from = r.pool
		}
		for i := from; i <= j; i++ {
			w := math.Sqrt(float64(j) / float64(i))
			for o := r.from; o+i <= t; o++ {
				if p := r.at(model, o); p != nil {
					abs = append(abs, w*math.Abs(r.work[o+i-1]-p.Point[i-1]))
				}
			}
		}
		switch {
		case len(abs) >= calibMinErrors:
			sort.Float64s(abs)
			out[j-1] = spread{abs: abs, scale: 1, N: len(abs), From: j}
			best = j
		case best > 0:
			b := out[best-1]
			out[j-1] = spread{abs: b.abs, scale: math.Sqrt(float64(j) / float64(best)), N: b.N, From: best}
		default:
			out[j-1] = spread{sd: (f.Upper80[j-1] - f.Point[j-1]) / z80}
		}
	}
	return out, nil
}

// calibrated is model's forecast from origin t with calibrated intervals,
// on the data's scale, and the spreads it used.
func (r *rolling) calibrated(model string, t, h int) (Forecast, []spread, error) {
	p := r.at(model, t)
	list := r.sp[model]
	if p == nil || list == nil || list[t-r.from] == nil {
		return Forecast{}, nil, fmt.Errorf("%w: %s cannot be fitted on %d values", ErrTooShort, model, t)
	}
	sp := list[t-r.from][:h]
	f := Forecast{Model: model, Point: slices.Clone(p.Point[:h])}
	for j := range h {
		h80, h95 := sp[j].half(sp[j].L80), sp[j].half(sp[j].L95)
		f.Lower80 = append(f.Lower80, f.Point[j]-h80)
		f.Upper80 = append(f.Upper80, f.Point[j]+h80)
		f.Lower95 = append(f.Lower95, f.Point[j]-h95)
		f.Upper95 = append(f.Upper95, f.Point[j]+h95)
	}
	return r.o.output(f), sp, nil
}

// samplePaths draws n joint paths of the next len(point) values on the
// data's scale: each horizon's value follows that horizon's calibrated
// error distribution exactly, and the horizons move together as a random
// walk's do (the paths' ranks are those of Gaussian random walks: an
// empirical copula), so that a total over several periods is neither as
// wide as the sum of the bounds (perfect dependence) nor as narrow as
// independence would make it. The seed is fixed: the same data give the
// same totals.
func samplePaths(point []float64, sp []spread, n int, o ForecastOptions) [][]float64 {
	h := len(point)
	rng := rand.New(rand.NewPCG(2014, 39970))
	walk := make([][]float64, n)
	for k := range walk {
		walk[k] = make([]float64, h)
		z := 0.0
		for j := range h {
			z += rng.NormFloat64()
			walk[k][j] = z
		}
	}
	paths := make([][]float64, n)
	for k := range paths {
		paths[k] = make([]float64, h)
	}
	idx := make([]int, n)
	for j := range h {
		for k := range idx {
			idx[k] = k
		}
		sort.Slice(idx, func(a, b int) bool { return walk[idx[a]][j] < walk[idx[b]][j] })
		for rank, k := range idx {
			v := point[j] + sp[j].quantile((float64(rank)+0.5)/float64(n))
			if o.Log {
				v = math.Exp(v)
			}
			if o.NonNegative {
				v = math.Max(0, v)
			}
			paths[k][j] = v
		}
	}
	return paths
}

// quantileOf is the p quantile of sorted values (linear interpolation).
func quantileOf(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return math.NaN()
	}
	x := p * float64(len(sorted)-1)
	lo := int(math.Floor(x))
	if lo >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	f := x - float64(lo)
	return sorted[lo]*(1-f) + sorted[lo+1]*f
}
