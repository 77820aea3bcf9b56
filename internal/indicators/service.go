package indicators

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/gonum/stat"

	"github.com/amparo-project/amparo/internal/store"
)

// SeriesForecast is a forecast with the data it was made from.
type SeriesForecast struct {
	Tail      Tail
	Indicator Indicator
	Options   ForecastOptions
	Periods   []string
	Forecast  Forecast
}

// ForecastSeries forecasts one series h periods ahead using only the data
// up to until ("" for all).
func ForecastSeries(ctx context.Context, db *store.DB, q SeriesQuery, until string, h int, model string) (*SeriesForecast, error) {
	tail, in, err := PickSeries(ctx, db, q, until)
	if err != nil {
		return nil, err
	}
	o := OptionsFor(in, tail)
	f, err := Run(model, tail.Values, h, o)
	if err != nil {
		return nil, fmt.Errorf("indicators: forecast %s %s: %w", q.Country, q.Indicator, err)
	}
	return &SeriesForecast{Tail: tail, Indicator: in, Options: o, Periods: NextPeriods(tail.Periods[len(tail.Periods)-1], h), Forecast: f}, nil
}

// BacktestResult is a series' track record.
type BacktestResult struct {
	Tail     Tail
	Horizon  int
	MinTrain int
	Scores   []Score
}

// minTrainFor is the first backtest origin: three years of monthly data,
// five values otherwise (Backtest raises it to what ETS needs).
func minTrainFor(f Frequency) int {
	if f == Monthly {
		return 36
	}
	return 5
}

// BacktestSeries runs the rolling-origin evaluation on one series.
func BacktestSeries(ctx context.Context, db *store.DB, q SeriesQuery, h int) (*BacktestResult, error) {
	tail, in, err := PickSeries(ctx, db, q, "")
	if err != nil {
		return nil, err
	}
	bt, err := BacktestTail(tail, in, h)
	if err != nil {
		return nil, fmt.Errorf("indicators: backtest %s %s: %w", q.Country, q.Indicator, err)
	}
	return bt, nil
}

// BacktestTail evaluates the models on the data a forecast uses, so that
// its track record is what could have been known then.
func BacktestTail(tail Tail, in Indicator, h int) (*BacktestResult, error) {
	o := OptionsFor(in, tail)
	mt := max(minTrainFor(tail.Series.Frequency), 6)
	if o.Season > 1 {
		mt = max(mt, 2*o.Season+2)
	}
	scores, err := Backtest(tail.Values, h, mt, o)
	if err != nil {
		return nil, err
	}
	return &BacktestResult{Tail: tail, Horizon: h, MinTrain: mt, Scores: scores}, nil
}

// ExportCSV writes values in the long format (with the scope and the
// source key as extra columns), which `indicators import` reads back.
func ExportCSV(ctx context.Context, db *store.DB, w io.Writer, f SeriesFilter) error {
	list, err := LoadSeries(ctx, db, f)
	if err != nil {
		return err
	}
	units := map[string]string{}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"country_iso3", "indicator", "period", "value", "unit", "source", "scope"})
	for _, s := range list {
		unit, ok := units[s.Indicator]
		if !ok {
			if in, err := GetIndicator(ctx, db, s.Indicator); err == nil {
				unit = in.Unit
			}
			units[s.Indicator] = unit
		}
		for _, p := range s.Points {
			_ = cw.Write([]string{s.Country, s.Indicator, p.Period, pointText(p), unit, p.SourceKey, s.Scope})
		}
	}
	cw.Flush()
	return cw.Error()
}

func pointText(p Point) string {
	if p.Value == nil {
		return p.Text
	}
	return strconv.FormatFloat(*p.Value, 'f', -1, 64)
}

// Correlation is a lagged correlation between a driver and a flow in one
// country.
type Correlation struct {
	Country string  `json:"country"`
	Driver  string  `json:"driver"`
	Flow    string  `json:"flow"`
	Lag     int     `json:"lag_years"` // driver year = flow year - lag
	R       float64 `json:"r"`
	N       int     `json:"n"`
	Scope   string  `json:"flow_scope"`
}

// Drivers are the indicators the seeds name as causes of the flows.
var Drivers = []string{"homicide_rate", "gdp_pc_ppp", "poverty_365", "cpi_score", "wgi_cc", "wgi_rl", "wgi_pv"}

// LaggedCorrelations computes, for each driver, the Pearson correlation
// between the driver in calendar year Y-lag and the yearly flow (fiscal
// year Y, one scope) in one country. A fiscal year runs October to
// September, so it is matched to the calendar year it mostly covers. With
// a dozen years this is weak evidence: n is always shown, and r is NaN
// (unknown) below five pairs.
func LaggedCorrelations(ctx context.Context, db *store.DB, country string, maxLag int) ([]Correlation, error) {
	flows, err := LoadSeries(ctx, db, SeriesFilter{Country: country, Indicator: "uac_encounters", Frequency: FiscalYear})
	if err != nil {
		return nil, err
	}
	// The flow series: the longest fiscal-year series of one scope.
	var flow Series
	for _, s := range flows {
		if len(s.Points) > len(flow.Points) || (len(s.Points) == len(flow.Points) && scopeRank(s.Scope) < scopeRank(flow.Scope)) {
			flow = s
		}
	}
	if len(flow.Points) == 0 {
		return nil, nil
	}
	fv := map[int]float64{}
	for _, p := range flow.Points {
		if p.Value != nil {
			y, _ := strconv.Atoi(p.Period[2:])
			fv[y] = *p.Value
		}
	}
	var out []Correlation
	for _, d := range Drivers {
		ds, err := LoadSeries(ctx, db, SeriesFilter{Country: country, Indicator: d, Frequency: Yearly})
		if err != nil {
			return nil, err
		}
		if len(ds) == 0 {
			continue
		}
		dv := map[int]float64{}
		for _, p := range ds[0].Points {
			if p.Value != nil {
				y, _ := strconv.Atoi(p.Period)
				dv[y] = *p.Value
			}
		}
		for lag := 0; lag <= maxLag; lag++ {
			var xs, ys []float64
			for y, f := range fv {
				if x, ok := dv[y-lag]; ok {
					xs = append(xs, x)
					ys = append(ys, f)
				}
			}
			c := Correlation{Country: country, Driver: d, Flow: "uac_encounters", Lag: lag, N: len(xs), Scope: flow.Scope, R: math.NaN()}
			if len(xs) >= 5 {
				c.R = stat.Correlation(xs, ys, nil)
			}
			out = append(out, c)
		}
	}
	return out, nil
}
