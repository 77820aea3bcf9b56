package indicators

import (
	"fmt"
	"math"
	"strconv"
)

// Score is a model's rolling-origin track record.
type Score struct {
	Model    string  `json:"model"`
	MASE     float64 `json:"mase"`
	SMAPE    float64 `json:"smape"`
	Cover80  float64 `json:"coverage80"`
	Cover95  float64 `json:"coverage95"`
	Origins  int     `json:"origins"`
	Forecast int     `json:"forecasts"` // forecast-actual pairs scored
	// Horizons are the same figures for each horizon 1..h.
	Horizons []HorizonScore `json:"horizons"`
	// VsBenchmark is the MASE difference to the benchmark (seasonal naive
	// for seasonal data, naive otherwise: benchmarkOf) with its
	// uncertainty; nil for the benchmark itself.
	VsBenchmark *Comparison `json:"vs_benchmark,omitempty"`
	// Coverage is whether the model's intervals held about as often as
	// they say (rules.go coverageVerdict); a model whose intervals held too
	// rarely is never the default.
	Coverage string `json:"coverage"`
}

// HorizonScore is a model's track record at one horizon.
type HorizonScore struct {
	Horizon int     `json:"horizon"`
	N       int     `json:"n"`
	MASE    float64 `json:"mase"`
	SMAPE   float64 `json:"smape"`
	Cover80 float64 `json:"coverage80"`
	Cover95 float64 `json:"coverage95"`
}

// TrackRow is one past origin of a model's backtest: the forecast made
// with the data up to Origin for Target (the farthest step observed, up to
// the horizon), and what happened.
type TrackRow struct {
	Origin   string  `json:"origin"`
	Target   string  `json:"target"`
	Step     int     `json:"step"`
	Forecast float64 `json:"forecast"`
	Lower80  float64 `json:"lower80"`
	Upper80  float64 `json:"upper80"`
	Lower95  float64 `json:"lower95"`
	Upper95  float64 `json:"upper95"`
	Actual   float64 `json:"actual"`
	Error    float64 `json:"error"` // actual minus forecast
	Held80   bool    `json:"held80"`
	Held95   bool    `json:"held95"`
}

// btOrigin is one scored origin of a model: its calibrated forecast (the
// steps observed) and the MASE scale of its training set.
type btOrigin struct {
	origin int
	f      Forecast
	scale  float64
}

// backtest is the full rolling-origin evaluation: every model's scored
// origins and scores.
type backtest struct {
	roll   *rolling
	scores []Score
	tracks map[string][]btOrigin
}

// Backtest evaluates each model by rolling origin: for every origin from
// minTrain to len(y)-1 it fits on y[:origin] and scores the forecasts of
// the next h values (fewer near the end), with intervals calibrated on the
// errors of earlier origins only (calibrate.go). MASE is scaled by the
// in-sample mean absolute error of the seasonal naive forecast (naive when
// m = 1) on each training set; sMAPE is in percent; coverage is the share
// of actual values inside the intervals.
func Backtest(y []float64, h, minTrain int, o ForecastOptions) ([]Score, error) {
	bt, err := runBacktest(y, h, minTrain, o)
	if err != nil {
		return nil, err
	}
	return bt.scores, nil
}

func runBacktest(y []float64, h, minTrain int, o ForecastOptions) (*backtest, error) {
	m := max(o.Season, 1)
	// Every model is scored on the same origins: the first is where the
	// most demanding model (ETS) can be fitted.
	minTrain = max(minTrain, calibrationStart(m))
	if len(y) <= minTrain {
		return nil, fmt.Errorf("%w: %d values, backtest needs more than %d", ErrTooShort, len(y), minTrain)
	}
	roll, err := newRolling(y, h, o, Models(m))
	if err != nil {
		return nil, err
	}
	bt := &backtest{roll: roll, tracks: map[string][]btOrigin{}}
	for _, model := range Models(m) {
		var track []btOrigin
		for origin := minTrain; origin < len(y); origin++ {
			steps := min(h, len(y)-origin)
			f, _, err := roll.calibrated(model, origin, steps)
			if err != nil {
				continue // too short for this model at this origin
			}
			scale := maseScale(y, origin, m)
			if scale == 0 {
				continue
			}
			track = append(track, btOrigin{origin: origin, f: f, scale: scale})
		}
		sc := scoreTrack(model, y, h, track)
		if sc.Forecast == 0 {
			continue
		}
		bt.tracks[model] = track
		bt.scores = append(bt.scores, sc)
	}
	if len(bt.scores) == 0 {
		return nil, fmt.Errorf("%w: no model could be scored", ErrTooShort)
	}
	bench := bt.benchmark()
	if ref, ok := bt.tracks[bench]; ok {
		for i := range bt.scores {
			if bt.scores[i].Model != bench {
				c := compareTracks(y, bt.tracks[bt.scores[i].Model], ref, h)
				bt.scores[i].VsBenchmark = &c
			}
		}
	}
	return bt, nil
}

// scoreTrack sums a model's scored origins into its Score, overall and by
// horizon.
func scoreTrack(model string, y []float64, h int, track []btOrigin) Score {
	sc := Score{Model: model, Origins: len(track)}
	type acc struct {
		n, in80, in95 int
		scaled, smape float64
	}
	byH := make([]acc, h)
	var all acc
	for _, b := range track {
		for i := range b.f.Point {
			a, p := y[b.origin+i], b.f.Point[i]
			e := math.Abs(a - p)
			sm := 0.0
			if d := math.Abs(a) + math.Abs(p); d > 0 {
				sm = 200 * e / d
			}
			for _, x := range []*acc{&all, &byH[i]} {
				x.n++
				x.scaled += e / b.scale
				x.smape += sm
				if a >= b.f.Lower80[i] && a <= b.f.Upper80[i] {
					x.in80++
				}
				if a >= b.f.Lower95[i] && a <= b.f.Upper95[i] {
					x.in95++
				}
			}
		}
	}
	if all.n == 0 {
		return sc
	}
	sc.Forecast = all.n
	n := float64(all.n)
	sc.MASE, sc.SMAPE = all.scaled/n, all.smape/n
	sc.Cover80, sc.Cover95 = float64(all.in80)/n, float64(all.in95)/n
	sc.Horizons = []HorizonScore{}
	for i, x := range byH {
		if x.n == 0 {
			continue
		}
		k := float64(x.n)
		sc.Horizons = append(sc.Horizons, HorizonScore{Horizon: i + 1, N: x.n, MASE: x.scaled / k, SMAPE: x.smape / k, Cover80: float64(x.in80) / k, Cover95: float64(x.in95) / k})
	}
	sc.Coverage = coverageVerdict(sc)
	return sc
}

// trackRows are a model's past origins as TrackRows, periods named from
// the tail.
func (bt *backtest) trackRows(model string, periods []string) []TrackRow {
	out := []TrackRow{}
	for _, b := range bt.tracks[model] {
		k := len(b.f.Point) - 1
		a, f := bt.roll.y[b.origin+k], b.f
		out = append(out, TrackRow{Origin: periods[b.origin-1], Target: periods[b.origin+k], Step: k + 1,
			Forecast: f.Point[k], Lower80: f.Lower80[k], Upper80: f.Upper80[k], Lower95: f.Lower95[k], Upper95: f.Upper95[k],
			Actual: a, Error: a - f.Point[k],
			Held80: a >= f.Lower80[k] && a <= f.Upper80[k], Held95: a >= f.Lower95[k] && a <= f.Upper95[k]})
	}
	return out
}

// endMonth is the last month a period covers, as a month index: years end
// in December, US fiscal years in September.
func endMonth(p string) int {
	switch PeriodFrequency(p) {
	case Monthly:
		return MonthIndex(p)
	case FiscalYear:
		y, _ := strconv.Atoi(p[2:])
		return y*12 + 8
	default:
		y, _ := strconv.Atoi(p)
		return y*12 + 11
	}
}

// Tail is the part of a series a model sees: values up to a date, and only
// the last unbroken run (a model cannot jump a gap; a different scope is a
// different series, so it is never stitched on).
type Tail struct {
	Series  Series
	Periods []string
	Values  []float64
	Dropped int // values before the last gap, not used
}

// TailOf returns the last unbroken run of s up to and including until
// ("" for all the data).
func TailOf(s Series, until string) (Tail, error) {
	t := Tail{Series: s}
	lim := math.MaxInt
	if until != "" {
		u, err := ParsePeriod(until)
		if err != nil {
			return t, fmt.Errorf("indicators: --until: %w", err)
		}
		lim = endMonth(u)
	}
	var per []string
	var val []float64
	for _, p := range s.Points {
		if p.Value == nil || endMonth(p.Period) > lim {
			continue
		}
		per = append(per, p.Period)
		val = append(val, *p.Value)
	}
	start := 0
	for i := 1; i < len(per); i++ {
		if periodIndex(per[i]) != periodIndex(per[i-1])+1 {
			start = i
		}
	}
	t.Periods, t.Values, t.Dropped = per[start:], val[start:], start
	return t, nil
}

// SeasonOf is the seasonal period of a frequency.
func SeasonOf(f Frequency) int {
	if f == Monthly {
		return 12
	}
	return 1
}

// OptionsFor chooses how to model a series: counts are modelled on the log
// scale when every value is positive (surges are proportional) and bounds
// stop at zero.
func OptionsFor(in Indicator, t Tail) ForecastOptions {
	o := ForecastOptions{Season: SeasonOf(t.Series.Frequency)}
	if in.Kind == "count" {
		o.NonNegative = true
		o.Log = true
		for _, v := range t.Values {
			if v <= 0 {
				o.Log = false
			}
		}
	}
	return o
}

// NextPeriods names the h periods after last.
func NextPeriods(last string, h int) []string {
	f := PeriodFrequency(last)
	i := periodIndex(last)
	out := make([]string, h)
	for k := range h {
		out[k] = periodFromIndex(f, i+k+1)
	}
	return out
}

func scopeRank(code string) int {
	for i, s := range knownScopes {
		if s.Code == code {
			return i
		}
	}
	return len(knownScopes)
}
