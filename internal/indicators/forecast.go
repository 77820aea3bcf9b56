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

// Model names. The combination is the default.
const (
	ModelNaive         = "naive"
	ModelSeasonalNaive = "seasonal_naive"
	ModelETS           = "ets_damped"
	ModelCombination   = "combination"
)

// Models lists the models for a seasonal period m (1: no seasonality).
func Models(m int) []string {
	if m > 1 {
		return []string{ModelNaive, ModelSeasonalNaive, ModelETS, ModelCombination}
	}
	return []string{ModelNaive, ModelETS, ModelCombination}
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
	var (
		f   Forecast
		err error
	)
	switch model {
	case ModelNaive:
		f, err = naive(work, h, 1)
	case ModelSeasonalNaive:
		if o.Season < 2 {
			return Forecast{}, fmt.Errorf("indicators: seasonal naive needs seasonal data")
		}
		f, err = naive(work, h, o.Season)
	case ModelETS:
		f, err = etsForecast(work, h, o.Season)
	case ModelCombination:
		f, err = combination(work, h, o.Season)
	default:
		return Forecast{}, fmt.Errorf("indicators: unknown model %q", model)
	}
	if err != nil {
		return Forecast{}, err
	}
	f.Model = model
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
	return f, nil
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

func rmse(e []float64) float64 {
	s := 0.0
	for _, v := range e {
		s += v * v
	}
	return math.Sqrt(s / float64(len(e)))
}

// etsParams are the smoothing parameters of additive-error exponential
// smoothing with a damped trend, ETS(A,Ad,N), or ETS(A,Ad,A) with a
// seasonal period m > 1.
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

func etsInit(y []float64, m int) etsState {
	if m <= 1 {
		k := min(len(y)-1, 4)
		return etsState{level: y[0], trend: (y[k] - y[0]) / float64(k)}
	}
	first := stat.Mean(y[:m], nil)
	second := stat.Mean(y[m:2*m], nil)
	st := etsState{level: first, trend: (second - first) / float64(m), season: make([]float64, m)}
	for i := range m {
		st.season[i] = y[i] - first
	}
	return st
}

// logistic maps the real line to (lo, hi), so that Nelder-Mead can search
// without constraints.
func logistic(x, lo, hi float64) float64 { return lo + (hi-lo)/(1+math.Exp(-x)) }

func (p etsParams) fromVector(x []float64, m int) etsParams {
	p.alpha = logistic(x[0], 0.0001, 0.9999)
	p.beta = logistic(x[1], 0.0001, 0.9999) * p.alpha
	p.phi = logistic(x[2], 0.80, 0.98)
	if m > 1 {
		p.gamma = logistic(x[3], 0.0001, 0.9999) * (1 - p.alpha)
	}
	return p
}

// etsFit estimates the parameters by minimising the one-step squared
// errors with Nelder-Mead (gonum/optimize).
func etsFit(y []float64, m int) (etsParams, etsState, []float64, error) {
	minLen := 6
	if m > 1 {
		minLen = 2*m + 2
	}
	if len(y) < minLen {
		return etsParams{}, etsState{}, nil, fmt.Errorf("%w: ETS needs %d values, has %d", ErrTooShort, minLen, len(y))
	}
	init := etsInit(y, m)
	dim := 3
	if m > 1 {
		dim = 4
	}
	var p0 etsParams
	problem := optimize.Problem{Func: func(x []float64) float64 {
		sse, _, _ := etsRun(y, m, p0.fromVector(x, m), init)
		if math.IsNaN(sse) || math.IsInf(sse, 0) {
			return math.MaxFloat64
		}
		return sse
	}}
	x0 := make([]float64, dim)
	x0[0], x0[1], x0[2] = 0, -2, 0 // alpha 0.5, beta small, phi 0.89
	if dim == 4 {
		x0[3] = -2
	}
	res, err := optimize.Minimize(problem, x0, &optimize.Settings{FuncEvaluations: 2000}, &optimize.NelderMead{})
	if err != nil && res == nil {
		return etsParams{}, etsState{}, nil, fmt.Errorf("indicators: fit ETS: %w", err)
	}
	p := p0.fromVector(res.X, m)
	_, st, resid := etsRun(y, m, p, init)
	return p, st, resid, nil
}

func etsForecast(y []float64, h, m int) (Forecast, error) {
	if m > 1 && len(y) < 2*m+2 {
		m = 1 // too short for seasonality: fit without it
	}
	p, st, resid, err := etsFit(y, m)
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

// combination averages the forecasts of the other models, and their
// interval bounds (quantile averaging): simple averages of forecasts are
// hard to beat (Makridakis et al., M4).
func combination(y []float64, h, m int) (Forecast, error) {
	var parts []Forecast
	naiveF, err := naive(y, h, 1)
	if err != nil {
		return Forecast{}, err
	}
	parts = append(parts, naiveF)
	if m > 1 && len(y) >= m+2 {
		sn, err := naive(y, h, m)
		if err != nil {
			return Forecast{}, err
		}
		parts = append(parts, sn)
	}
	ets, err := etsForecast(y, h, m)
	if err == nil {
		parts = append(parts, ets)
	} else if !errors.Is(err, ErrTooShort) {
		return Forecast{}, err
	}
	out := Forecast{Point: make([]float64, h), Lower80: make([]float64, h), Upper80: make([]float64, h), Lower95: make([]float64, h), Upper95: make([]float64, h)}
	for _, p := range parts {
		for i := range h {
			out.Point[i] += p.Point[i] / float64(len(parts))
			out.Lower80[i] += p.Lower80[i] / float64(len(parts))
			out.Upper80[i] += p.Upper80[i] / float64(len(parts))
			out.Lower95[i] += p.Lower95[i] / float64(len(parts))
			out.Upper95[i] += p.Upper95[i] / float64(len(parts))
		}
	}
	return out, nil
}
