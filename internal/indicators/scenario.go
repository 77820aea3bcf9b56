package indicators

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Scenarios (issue 12): the forecast's own model with a covariate, "what
// this series would do if the covariate took a given path". At origin t
// the scenario's forecast at horizon j is the model's, corrected by the
// covariate's deviation from the same model's forecast of the covariate:
//
//	ŷ(t, j) + b_t · (x[t+j-1] − x̂(t, j))      (working scale: log for counts)
//
// with b_t the least-squares slope (through zero) of the model's one-step
// errors on y against its one-step errors on x, over the origins whose
// targets are observed by t. For naive this is "y's log change is b times
// x's log change". The scenario has its own track record on the same
// origins: its backtest is conditional, made with the covariate's actual
// values, so it measures how much knowing the covariate's path would
// help (an upper bound on what a scenario can tell), and its intervals are
// calibrated on its own past conditional errors exactly as the models'
// are (calibrate.go). Today's scenario takes an assumed level of the
// covariate; its intervals hold only if the assumption does.

// Scenario is a series' forecast model with a covariate, and its
// conditional track record.
type Scenario struct {
	// Covariate is the covariate series (its key), Base the model the
	// scenario extends (the forecast's).
	Covariate string `json:"covariate"`
	Base      string `json:"base_model"`
	// Beta is the slope at the last origin (on the log scale: an
	// elasticity of monthly changes), Pairs the one-step error pairs it
	// was estimated on.
	Beta  float64 `json:"beta"`
	Pairs int     `json:"pairs"`
	// CovariateLast is the covariate's last value used, in CovariatePeriod.
	CovariateLast   float64 `json:"covariate_last"`
	CovariatePeriod string  `json:"covariate_period"`
	// Backtest is the scenario's conditional track record (covariate at
	// its actual values) and VsBase its MASE difference to Base on the
	// same origins, with the Diebold-Mariano interval.
	Backtest Score      `json:"backtest"`
	VsBase   Comparison `json:"vs_base"`

	roll  *rolling  // the scenario's forecasts and calibrated spreads
	yb    []float64 // Base's working-scale forecast of y at the last origin
	xb    []float64 // Base's working-scale forecast of x at the last origin
	beta  float64
	xLog  bool
	steps int
}

// ScenarioLastValue and ScenarioLevel describe a scenario's assumption.
const (
	ScenarioLastValue = "the covariate holds its last value"
	ScenarioLevel     = "the covariate stands at the given level"
)

// ErrScenarioLevel refuses an assumed covariate level that cannot be used.
var ErrScenarioLevel = errors.New("bad scenario level")

// ModelScenario names the scenario's forecasts in a rolling.
const ModelScenario = "scenario"

// newScenario builds the scenario of base on y with covariate x (the same
// periods as y), scored from origin minTrain on like the backtest whose
// rolling is yr and whose base track is baseTrack.
func newScenario(x []float64, base string, h, minTrain int, yr *rolling, baseTrack []btOrigin) (*Scenario, error) {
	n := len(yr.y)
	if len(x) != n {
		return nil, fmt.Errorf("indicators: scenario: covariate has %d values, series %d", len(x), n)
	}
	xr, err := newRolling(x, h, yr.o, []string{base})
	if err != nil {
		return nil, fmt.Errorf("indicators: scenario covariate: %w", err)
	}
	list := make([]*Forecast, n-yr.from+1)
	var sxy, sxx float64
	pairs := 0
	beta := math.NaN()
	for t := yr.from; t <= n; t++ {
		// The one-step errors of origin t-1 are observed at t.
		if fy, fx := yr.at(base, t-1), xr.at(base, t-1); fy != nil && fx != nil {
			ey, ex := yr.work[t-1]-fy.Point[0], xr.work[t-1]-fx.Point[0]
			sxy += ey * ex
			sxx += ex * ex
			pairs++
			if pairs >= calibMinErrors && sxx > 0 {
				beta = sxy / sxx
			}
		}
		fy, fx := yr.at(base, t), xr.at(base, t)
		if fy == nil || fx == nil || math.IsNaN(beta) {
			continue
		}
		f := Forecast{Model: ModelScenario}
		for j := range h {
			shift := 0.0
			if t+j < n {
				shift = beta * (xr.work[t+j] - fx.Point[j])
			}
			f.Point = append(f.Point, fy.Point[j]+shift)
			f.Lower80 = append(f.Lower80, fy.Lower80[j]+shift)
			f.Upper80 = append(f.Upper80, fy.Upper80[j]+shift)
			f.Lower95 = append(f.Lower95, fy.Lower95[j]+shift)
			f.Upper95 = append(f.Upper95, fy.Upper95[j]+shift)
		}
		list[t-yr.from] = &f
	}
	if math.IsNaN(beta) {
		return nil, fmt.Errorf("%w: %d one-step error pairs, the scenario's slope needs %d", ErrTooShort, pairs, calibMinErrors)
	}
	sr := &rolling{y: yr.y, work: yr.work, o: yr.o, from: yr.from, h: h, fc: map[string][]*Forecast{ModelScenario: list}, sp: map[string][][]spread{}}
	sr.adapt(ModelScenario)
	m := max(yr.o.Season, 1)
	var track []btOrigin
	for origin := minTrain; origin < n; origin++ {
		f, _, err := sr.calibrated(ModelScenario, origin, min(h, n-origin))
		if err != nil {
			continue
		}
		if scale := maseScale(yr.y, origin, m); scale > 0 {
			track = append(track, btOrigin{origin: origin, f: f, scale: scale})
		}
	}
	sc := &Scenario{Base: base, Beta: beta, Pairs: pairs, roll: sr, beta: beta, xLog: yr.o.Log, steps: h,
		yb: slices.Clone(yr.at(base, n).Point), xb: slices.Clone(xr.at(base, n).Point),
		CovariateLast: x[n-1]}
	sc.Backtest = scoreTrack(ModelScenario, yr.y, h, track)
	sc.VsBase = compareTracks(yr.y, track, baseTrack, h)
	return sc, nil
}

// At is the scenario's forecast of the next steps if the covariate stood
// at level in every one of them, with intervals calibrated on the
// scenario's conditional errors (they hold only if the assumption does).
func (sc *Scenario) At(level float64) (Forecast, error) {
	x := level
	if sc.xLog {
		if level <= 0 {
			return Forecast{}, &refusal{msg: "the scenario's level must be positive", cause: ErrScenarioLevel}
		}
		x = math.Log(level)
	}
	n := len(sc.roll.y)
	sp := sc.roll.sp[ModelScenario][n-sc.roll.from]
	if len(sp) < sc.steps {
		return Forecast{}, fmt.Errorf("%w: the scenario has no calibrated spreads at the last origin", ErrTooShort)
	}
	f := Forecast{Model: ModelScenario}
	for j := range sc.steps {
		p := sc.yb[j] + sc.beta*(x-sc.xb[j])
		h80, h95 := sp[j].half(sp[j].L80), sp[j].half(sp[j].L95)
		f.Point = append(f.Point, p)
		f.Lower80 = append(f.Lower80, p-h80)
		f.Upper80 = append(f.Upper80, p+h80)
		f.Lower95 = append(f.Lower95, p-h95)
		f.Upper95 = append(f.Upper95, p+h95)
	}
	return sc.roll.o.output(f), nil
}

// maseScale is the in-sample mean absolute error of the seasonal naive
// forecast (naive when m = 1) on y[:origin]: MASE's denominator.
func maseScale(y []float64, origin, m int) float64 {
	scale := 0.0
	for t := m; t < origin; t++ {
		scale += math.Abs(y[t] - y[t-m])
	}
	return scale / float64(origin-m)
}

// scenarioFor attaches to f the scenario of its model with the covariate
// cov (the covariate country's series of the same indicator, scope and
// frequency), or says in f.ScenarioNote why there is none.
func scenarioFor(f *TrackedForecast, cov *Tail) {
	if cov == nil {
		f.ScenarioNote = "no covariate series: the series is the covariate (" + scenarioCovariateCountry + ") or none overlaps it"
		return
	}
	byPeriod := map[string]float64{}
	for i, p := range cov.Periods {
		byPeriod[p] = cov.Values[i]
	}
	x := make([]float64, len(f.Tail.Periods))
	for i, p := range f.Tail.Periods {
		v, ok := byPeriod[p]
		if !ok {
			f.ScenarioNote = fmt.Sprintf("the covariate %s has no value for %s, so it does not overlap the whole series", cov.Series.Key(), p)
			return
		}
		x[i] = v
	}
	bt := f.Backtest
	sc, err := newScenario(x, f.Forecast.Model, bt.Horizon, bt.MinTrain, bt.run.roll, bt.run.tracks[f.Forecast.Model])
	if err != nil {
		f.ScenarioNote = "no scenario: " + err.Error()
		return
	}
	sc.Covariate = cov.Series.Key()
	sc.CovariatePeriod = f.Tail.Periods[len(f.Tail.Periods)-1]
	f.Scenario = sc
}
