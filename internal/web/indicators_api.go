package web

import (
	"context"
	"fmt"
	"net/http"

	"github.com/amparo-project/amparo/internal/indicators"
)

func (h *indicatorHandlers) handleIndicatorsAPI(w http.ResponseWriter, r *http.Request) {
	cat, err := h.ind.Catalogue(r.Context())
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, cat)
}

// readSeriesFilter reads the /api/v1/series query: a country, an
// indicator or both, and optionally a scope and a frequency.
func readSeriesFilter(r *http.Request) (indicators.SeriesFilter, error) {
	q := r.URL.Query()
	f := indicators.SeriesFilter{Country: q.Get("country"), Indicator: q.Get("indicator")}
	if f.Country == "" && f.Indicator == "" {
		return f, fmt.Errorf("give country, indicator or both")
	}
	if sc, ok := q["scope"]; ok {
		f.Scope = &sc[0]
	}
	if fr := q.Get("frequency"); fr != "" {
		switch indicators.Frequency(fr) {
		case indicators.Monthly, indicators.FiscalYear, indicators.Yearly:
			f.Frequency = indicators.Frequency(fr)
		default:
			return f, fmt.Errorf("frequency must be month, fiscal_year or year")
		}
	}
	return f, nil
}

type apiForecast struct {
	Country   string             `json:"country"`
	Indicator string             `json:"indicator"`
	Scope     string             `json:"scope"`
	Frequency string             `json:"frequency"`
	Model     string             `json:"model"`
	DataFrom  string             `json:"data_from"`
	DataUntil string             `json:"data_until"`
	Values    int                `json:"values_used"`
	Log       bool               `json:"log_scale"`
	Forecast  []apiForecastPoint `json:"forecast"`
	Backtest  []indicators.Score `json:"backtest"`
	// Rechosen is the default's own track record: the choice re-made at
	// every origin from the backtest as it stood then.
	Rechosen indicators.Score `json:"default_rechosen"`
	Horizon  int              `json:"horizon"`
	MinTrain int              `json:"backtest_first_origin"`
	// Default is the model the backtest chose for the series; Intervals
	// says how the intervals were made.
	Default     string                   `json:"default_model"`
	Benchmark   string                   `json:"benchmark_model"`
	Intervals   string                   `json:"intervals"`
	Calibration []indicators.Calibration `json:"calibration"`
	// Coverage says whether the model's intervals held about as often as
	// they say in the backtest (honest, too_narrow, too_wide).
	Coverage string                   `json:"coverage_check"`
	Track    []indicators.TrackRow    `json:"track_record"`
	Total    string                   `json:"total,omitempty"`
	Totals   []indicators.WindowTotal `json:"totals,omitempty"`
	// Scenario is the same model with a covariate, with its own
	// conditional backtest; ScenarioNote says why there is none.
	Scenario     *apiScenario `json:"scenario,omitempty"`
	ScenarioNote string       `json:"scenario_note,omitempty"`
}

// apiScenario is a scenario with its forecast under the covariate's
// assumed level (the API assumes its last value).
type apiScenario struct {
	*indicators.Scenario
	Assumption string             `json:"assumption"`
	Level      float64            `json:"covariate_level"`
	Forecast   []apiForecastPoint `json:"forecast"`
}

// fcPoint is one forecast period as the API gives it: bands of a quantity
// that cannot be negative stop at zero, as on the page (fcFloor).
func fcPoint(in indicators.Indicator, period string, point, lo80, hi80, lo95, hi95 float64, actual *float64) apiForecastPoint {
	c := func(x float64) float64 { return fcClip(in, x) }
	return apiForecastPoint{period, c(point), c(lo80), c(hi80), c(lo95), c(hi95), actual}
}

type apiForecastPoint struct {
	Period   string  `json:"period"`
	Forecast float64 `json:"forecast"`
	Lower80  float64 `json:"lower80"`
	Upper80  float64 `json:"upper80"`
	Lower95  float64 `json:"lower95"`
	Upper95  float64 `json:"upper95"`
	// Actual is what happened, when the database has it (a forecast as of
	// a past date).
	Actual *float64 `json:"actual,omitempty"`
}

// forecastAPI is the forecast with its track record, as the API answers it.
func (h *indicatorHandlers) forecastAPI(ctx context.Context, fp forecastParams) (*apiForecast, error) {
	res, err := h.forecast(ctx, fp)
	if err != nil {
		return nil, err
	}
	t, f := res.Tail, res.SeriesForecast.Forecast
	out := &apiForecast{Country: t.Series.Country, Indicator: t.Series.Indicator, Scope: t.Series.Scope, Frequency: string(t.Series.Frequency),
		Model: f.Model, DataFrom: t.Periods[0], DataUntil: t.Periods[len(t.Periods)-1], Values: len(t.Values), Log: res.Options.Log,
		Backtest: res.Backtest.Scores, Rechosen: res.Backtest.Selection, Horizon: len(res.Periods), MinTrain: res.Backtest.MinTrain,
		Default: res.Backtest.Default, Benchmark: res.Backtest.Benchmark, Intervals: indicators.IntervalsMethod, Calibration: res.Calibration, Coverage: res.Backtest.Coverage, Track: res.Backtest.Track,
		Total: res.Window, Totals: res.Totals}
	for i, p := range res.Periods {
		out.Forecast = append(out.Forecast, fcPoint(res.Indicator, p, f.Point[i], f.Lower80[i], f.Upper80[i], f.Lower95[i], f.Upper95[i], res.Actuals[i]))
	}
	out.ScenarioNote = res.ScenarioNote
	if sc := res.Scenario; sc != nil {
		sf, err := sc.At(sc.CovariateLast)
		if err != nil {
			return nil, err
		}
		as := &apiScenario{Scenario: sc, Level: sc.CovariateLast, Assumption: indicators.ScenarioLastValue}
		for i, p := range res.Periods {
			as.Forecast = append(as.Forecast, fcPoint(res.Indicator, p, sf.Point[i], sf.Lower80[i], sf.Upper80[i], sf.Lower95[i], sf.Upper95[i], res.Actuals[i]))
		}
		out.Scenario = as
	}
	return out, nil
}
