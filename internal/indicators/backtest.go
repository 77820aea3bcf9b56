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
}

// Backtest evaluates each model by rolling origin: for every origin from
// minTrain to len(y)-1 it fits on y[:origin] and scores the forecasts of
// the next h values (fewer near the end). MASE is scaled by the in-sample
// mean absolute error of the seasonal naive forecast (naive when m = 1) on
// each training set; sMAPE is in percent; coverage is the share of actual
// values inside the intervals.
func Backtest(y []float64, h, minTrain int, o ForecastOptions) ([]Score, error) {
	m := max(o.Season, 1)
	// Every model is scored on the same origins: the first is where the
	// most demanding model (ETS) can be fitted.
	need := 6
	if m > 1 {
		need = 2*m + 2
	}
	minTrain = max(minTrain, need)
	if len(y) <= minTrain {
		return nil, fmt.Errorf("%w: %d values, backtest needs more than %d", ErrTooShort, len(y), minTrain)
	}
	var out []Score
	for _, model := range Models(m) {
		sc := Score{Model: model}
		var sumScaled, sumSMAPE float64
		var in80, in95 int
		for origin := minTrain; origin < len(y); origin++ {
			train := y[:origin]
			steps := min(h, len(y)-origin)
			f, err := Run(model, train, steps, o)
			if err != nil {
				continue // too short for this model at this origin
			}
			scale := 0.0
			for t := m; t < len(train); t++ {
				scale += math.Abs(train[t] - train[t-m])
			}
			scale /= float64(len(train) - m)
			if scale == 0 {
				continue
			}
			sc.Origins++
			for i := range steps {
				a := y[origin+i]
				e := math.Abs(a - f.Point[i])
				sumScaled += e / scale
				if d := math.Abs(a) + math.Abs(f.Point[i]); d > 0 {
					sumSMAPE += 200 * e / d
				}
				if a >= f.Lower80[i] && a <= f.Upper80[i] {
					in80++
				}
				if a >= f.Lower95[i] && a <= f.Upper95[i] {
					in95++
				}
				sc.Forecast++
			}
		}
		if sc.Forecast == 0 {
			continue
		}
		n := float64(sc.Forecast)
		sc.MASE, sc.SMAPE = sumScaled/n, sumSMAPE/n
		sc.Cover80, sc.Cover95 = float64(in80)/n, float64(in95)/n
		out = append(out, sc)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no model could be scored", ErrTooShort)
	}
	return out, nil
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
