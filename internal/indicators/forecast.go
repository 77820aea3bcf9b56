package indicators

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Forecast is a model's forecast for the steps after the data, with 80%
// and 95% prediction intervals.
type Forecast struct {
	Model   string
	Point   []float64
	Lower80 []float64
	Upper80 []float64
	Lower95 []float64
	Upper95 []float64
}

// Model names. Which one is a series' default is chosen from its backtest
// (rules.go, chooseDefault); ModelDefault asks for that choice.
const (
	ModelDefault       = ""
	ModelNaive         = "naive"
	ModelSeasonalNaive = "seasonal_naive"
	ModelDrift         = "drift"
	ModelETSANA        = "ets_ana"
	ModelETS           = "ets_damped"
	ModelCombination   = "combination"
)

// Models lists the models for a seasonal period m (1: no seasonality),
// simplest first.
func Models(m int) []string {
	if m > 1 {
		return []string{ModelNaive, ModelSeasonalNaive, ModelDrift, ModelETSANA, ModelETS, ModelCombination}
	}
	return []string{ModelNaive, ModelDrift, ModelETSANA, ModelETS, ModelCombination}
}

var (
	z80 = distuv.UnitNormal.Quantile(0.90)
	z95 = distuv.UnitNormal.Quantile(0.975)
)

// ErrTooShort is returned when a series is too short for a model.
var ErrTooShort = errors.New("series too short")

// ForecastOptions say how to model a series.
type ForecastOptions struct {
	Season int // seasonal period: 12 for monthly data, 1 otherwise
	// Log models log(y) and transforms back: for counts that grow and
	// shrink by proportions (surges), and so that bounds stay positive.
	// Point forecasts are then medians.
	Log bool
	// NonNegative clips bounds at zero (counts).
	NonNegative bool
}

// Run fits model to y and forecasts h steps.
func Run(model string, y []float64, h int, o ForecastOptions) (Forecast, error) {
	if h < 1 {
		return Forecast{}, fmt.Errorf("indicators: forecast horizon must be at least 1")
	}
	if o.Season < 1 {
		o.Season = 1
	}
	work := y
	if o.Log {
		work = make([]float64, len(y))
		for i, v := range y {
			if v <= 0 {
				return Forecast{}, fmt.Errorf("indicators: log model needs positive values (got %v)", v)
			}
			work[i] = math.Log(v)
		}
	}
	f, err := runWork(model, work, h, o.Season)
	if err != nil {
		return Forecast{}, err
	}
	return o.output(f), nil
}

// runWork fits model to y on the working scale (log already taken) and
// forecasts h steps, with the model's own (parametric) intervals.
func runWork(model string, work []float64, h, m int) (Forecast, error) {
	var (
		f   Forecast
		err error
	)
	switch model {
	case ModelNaive:
		f, err = naive(work, h, 1)
	case ModelSeasonalNaive:
		if m < 2 {
			return Forecast{}, fmt.Errorf("indicators: seasonal naive needs seasonal data")
		}
		f, err = naive(work, h, m)
	case ModelDrift:
		f, err = drift(work, h)
	case ModelETSANA:
		f, err = etsForecast(work, h, m, false)
	case ModelETS:
		f, err = etsForecast(work, h, m, true)
	case ModelCombination:
		f, err = combination(work, h, m)
	default:
		return Forecast{}, fmt.Errorf("indicators: unknown model %q", model)
	}
	if err != nil {
		return Forecast{}, err
	}
	f.Model = model
	return f, nil
}

// output takes a working-scale forecast back to the data's scale.
func (o ForecastOptions) output(f Forecast) Forecast {
	if o.Log {
		for _, s := range [][]float64{f.Point, f.Lower80, f.Upper80, f.Lower95, f.Upper95} {
			for i := range s {
				s[i] = math.Exp(s[i])
			}
		}
	}
	if o.NonNegative {
		for _, s := range [][]float64{f.Point, f.Lower80, f.Upper80, f.Lower95, f.Upper95} {
			for i := range s {
				s[i] = math.Max(0, s[i])
			}
		}
	}
	return f
}

func withIntervals(point, sd []float64) Forecast {
	f := Forecast{Point: point}
	for i := range point {
		f.Lower80 = append(f.Lower80, point[i]-z80*sd[i])
		f.Upper80 = append(f.Upper80, point[i]+z80*sd[i])
		f.Lower95 = append(f.Lower95, point[i]-z95*sd[i])
		f.Upper95 = append(f.Upper95, point[i]+z95*sd[i])
	}
	return f
}

// naive repeats the value m steps back (m=1: the last value). Its
// interval widens with the number of seasons ahead (Hyndman and
// Athanasopoulos, FPP3 5.5).
func naive(y []float64, h, m int) (Forecast, error) {
	n := len(y)
	if n < m+2 {
		return Forecast{}, fmt.Errorf("%w: naive(m=%d) needs %d values, has %d", ErrTooShort, m, m+2, n)
	}
	var res []float64
	for t := m; t < n; t++ {
		res = append(res, y[t]-y[t-m])
	}
	sigma := rmse(res)
	point := make([]float64, h)
	sd := make([]float64, h)
	for i := range h {
		point[i] = y[n-m+i%m]
		k := i/m + 1
		sd[i] = sigma * math.Sqrt(float64(k))
	}
	return withIntervals(point, sd), nil
}

// drift extends the line from the first to the last value (a random walk
// with drift); its interval also carries the slope's uncertainty (FPP3
// 5.5).
func drift(y []float64, h int) (Forecast, error) {
	n := len(y)
	if n < 3 {
		return Forecast{}, fmt.Errorf("%w: drift needs 3 values, has %d", ErrTooShort, n)
	}
	slope := (y[n-1] - y[0]) / float64(n-1)
	res := make([]float64, 0, n-1)
	for t := 1; t < n; t++ {
		res = append(res, y[t]-y[t-1]-slope)
	}
	sigma := rmse(res)
	point := make([]float64, h)
	sd := make([]float64, h)
	for i := range h {
		k := float64(i + 1)
		point[i] = y[n-1] + k*slope
		sd[i] = sigma * math.Sqrt(k*(1+k/float64(n-1)))
	}
	return withIntervals(point, sd), nil
}

func rmse(e []float64) float64 {
	s := 0.0
	for _, v := range e {
		s += v * v
	}
	return math.Sqrt(s / float64(len(e)))
}

// etsParams are the smoothing parameters of additive-error exponential
// smoothing: with a damped trend, ETS(A,Ad,N) or ETS(A,Ad,A) with a
// seasonal period m > 1; without a trend (beta = 0), ETS(A,N,N) or
// ETS(A,N,A). On the log scale ETS(A,N,A) is a local level with a
// multiplicative season.
type etsParams struct {
	alpha, beta, phi, gamma float64
}

// etsState is the model's state after the data.
type etsState struct {
	level, trend float64
	season       []float64 // the last m seasonal terms, oldest first
}

// etsRun filters y with p from the initial state and returns the sum of
// squared one-step errors and the final state.
func etsRun(y []float64, m int, p etsParams, init etsState) (float64, etsState, []float64) {
	l, b := init.level, init.trend
	s := append([]float64(nil), init.season...)
	sse := 0.0
	res := make([]float64, 0, len(y))
	for t, v := range y {
		seas := 0.0
		if m > 1 {
			seas = s[t%m]
		}
		yhat := l + p.phi*b + seas
		e := v - yhat
		res = append(res, e)
		sse += e * e
		nl := l + p.phi*b + p.alpha*e
		b = p.phi*b + p.beta*e
		l = nl
		if m > 1 {
			s[t%m] = seas + p.gamma*e
		}
	}
	st := etsState{level: l, trend: b}
	if m > 1 {
		// Rotate so that season[0] is the term for the next step.
		n := len(y)
		st.season = make([]float64, m)
		for i := range m {
			st.season[i] = s[(n+i)%m]
		}
	}
	return sse, st, res
}

func etsInit(y []float64, m int, trend bool) etsState {
	if m <= 1 {
		k := min(len(y)-1, 4)
		st := etsState{level: y[0]}
		if trend {
			st.trend = (y[k] - y[0]) / float64(k)
		}
		return st
	}
	first := stat.Mean(y[:m], nil)
	second := stat.Mean(y[m:2*m], nil)
	st := etsState{level: first, season: make([]float64, m)}
	if trend {
		st.trend = (second - first) / float64(m)
	}
	for i := range m {
		st.season[i] = y[i] - first
	}
	return st
}

// logistic maps the real line to (lo, hi), so that Nelder-Mead can search
// without constraints.
func logistic(x, lo, hi float64) float64 { return lo + (hi-lo)/(1+math.Exp(-x)) }

// fromVector reads the parameters from the search vector: alpha, then
// beta and phi when there is a trend, then gamma when m > 1.
func (p etsParams) fromVector(x []float64, m int, trend bool) etsParams {
	p.alpha = logistic(x[0], 0.0001, 0.9999)
	i := 1
	if trend {
		p.beta = logistic(x[1], 0.0001, 0.9999) * p.alpha
		p.phi = logistic(x[2], 0.80, 0.98)
		i = 3
	}
	if m > 1 {
		p.gamma = logistic(x[i], 0.0001, 0.9999) * (1 - p.alpha)
	}
	return p
}

// etsFit estimates the parameters by minimising the one-step squared
// errors with Nelder-Mead (gonum/optimize).
func etsFit(y []float64, m int, trend bool) (etsParams, etsState, []float64, error) {
	minLen := 6
	if m > 1 {
		minLen = 2*m + 2
	}
	if len(y) < minLen {
		return etsParams{}, etsState{}, nil, fmt.Errorf("%w: ETS needs %d values, has %d", ErrTooShort, minLen, len(y))
	}
	init := etsInit(y, m, trend)
	x0 := []float64{0} // alpha 0.5
	if trend {
		x0 = append(x0, -2, 0) // beta small, phi 0.89
	}
	if m > 1 {
		x0 = append(x0, -2)
	}
	var p0 etsParams
	problem := optimize.Problem{Func: func(x []float64) float64 {
		sse, _, _ := etsRun(y, m, p0.fromVector(x, m, trend), init)
		if math.IsNaN(sse) || math.IsInf(sse, 0) {
			return math.MaxFloat64
		}
		return sse
	}}
	res, err := optimize.Minimize(problem, x0, &optimize.Settings{FuncEvaluations: 2000}, &optimize.NelderMead{})
	if err != nil && res == nil {
		return etsParams{}, etsState{}, nil, fmt.Errorf("indicators: fit ETS: %w", err)
	}
	p := p0.fromVector(res.X, m, trend)
	_, st, resid := etsRun(y, m, p, init)
	return p, st, resid, nil
}

// etsForecast fits ETS with a damped trend (trend) or without one, with
// seasonality when m > 1 and the data hold two seasons and two values.
func etsForecast(y []float64, h, m int, trend bool) (Forecast, error) {
	if m > 1 && len(y) < 2*m+2 {
		m = 1 // too short for seasonality: fit without it
	}
	p, st, resid, err := etsFit(y, m, trend)
	if err != nil {
		return Forecast{}, err
	}
	// Skip the first residuals, dominated by the heuristic start.
	skip := min(len(resid)/4, max(m, 2))
	sigma := rmse(resid[skip:])
	point := make([]float64, h)
	sd := make([]float64, h)
	phiSum := 0.0
	variance := 1.0
	for i := range h {
		phiSum += math.Pow(p.phi, float64(i+1))
		seas := 0.0
		if m > 1 {
			seas = st.season[i%m]
		}
		point[i] = st.level + phiSum*st.trend + seas
		sd[i] = sigma * math.Sqrt(variance)
		// Variance multiplier for the next step (FPP3 table 8.8, class 1):
		// 1 + sum over j<h of (alpha + beta*phi_j + gamma*[j mod m == 0])^2.
		j := i + 1
		phij := 0.0
		for k := 1; k <= j; k++ {
			phij += math.Pow(p.phi, float64(k))
		}
		c := p.alpha + p.beta*phij
		if m > 1 && j%m == 0 {
			c += p.gamma
		}
		variance += c * c
	}
	return withIntervals(point, sd), nil
}

// combination averages the forecasts of naive, seasonal naive (seasonal
// data) and damped ETS, and their interval bounds (quantile averaging):
// simple averages of forecasts are hard to beat (Makridakis et al., M4).
func combination(y []float64, h, m int) (Forecast, error) {
	parts, err := combinationParts(func(model string) (Forecast, error) { return runWork(model, y, h, m) }, len(y), m)
	if err != nil {
		return Forecast{}, err
	}
	return combine(parts, h), nil
}

// combinationParts are the forecasts the combination averages, from fit
// (a model's working-scale forecast): naive always, seasonal naive when
// the data are seasonal and hold a season and two values, damped ETS
// unless the data are too short for it.
func combinationParts(fit func(model string) (Forecast, error), n, m int) ([]Forecast, error) {
	naiveF, err := fit(ModelNaive)
	if err != nil {
		return nil, err
	}
	parts := []Forecast{naiveF}
	if m > 1 && n >= m+2 {
		sn, err := fit(ModelSeasonalNaive)
		if err != nil {
			return nil, err
		}
		parts = append(parts, sn)
	}
	ets, err := fit(ModelETS)
	if err == nil {
		parts = append(parts, ets)
	} else if !errors.Is(err, ErrTooShort) {
		return nil, err
	}
	return parts, nil
}

func combine(parts []Forecast, h int) Forecast {
	out := Forecast{Model: ModelCombination, Point: make([]float64, h), Lower80: make([]float64, h), Upper80: make([]float64, h), Lower95: make([]float64, h), Upper95: make([]float64, h)}
	for _, p := range parts {
		for i := range h {
			out.Point[i] += p.Point[i] / float64(len(parts))
			out.Lower80[i] += p.Lower80[i] / float64(len(parts))
			out.Upper80[i] += p.Upper80[i] / float64(len(parts))
			out.Lower95[i] += p.Lower95[i] / float64(len(parts))
			out.Upper95[i] += p.Upper95[i] / float64(len(parts))
		}
	}
	return out
}
