package indicators

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

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
// up to until ("" for all). A series too short for the model is refused
// (422, unwrapping to ErrTooShort).
func (s *Service) ForecastSeries(ctx context.Context, q SeriesQuery, until string, h int, model string) (*SeriesForecast, error) {
	tail, in, err := s.PickSeries(ctx, q, until)
	if err != nil {
		return nil, err
	}
	o := OptionsFor(in, tail)
	f, err := Run(model, tail.Values, h, o)
	if err != nil {
		return nil, tooShortRefusal(fmt.Errorf("indicators: forecast %s %s: %w", q.Country, q.Indicator, err))
	}
	return &SeriesForecast{Tail: tail, Indicator: in, Options: o, Periods: NextPeriods(tail.Periods[len(tail.Periods)-1], h), Forecast: f}, nil
}

// tooShortRefusal makes a too-short series the caller's refusal (422) with
// err's message; any other error is returned as is.
func tooShortRefusal(err error) error {
	if errors.Is(err, ErrTooShort) {
		return &refusal{msg: err.Error(), cause: err}
	}
	return err
}

// TrackedForecast is a forecast with its track record: the backtest of the
// models on the data the forecast used. Its intervals are calibrated on
// the model's own past errors (calibrate.go).
type TrackedForecast struct {
	*SeriesForecast
	Backtest *BacktestResult
	// Calibration says, for each horizon, how many past errors made its
	// interval (0: the model's own interval) and at which horizon they were
	// made (a longer horizon borrows a shorter one's, widened).
	Calibration []Calibration
	// Actuals are what happened in the forecast periods, where the
	// database has it (a forecast as of a past date); nil elsewhere.
	Actuals []*float64
	// Window and Totals: the forecast summed over fiscal or calendar years,
	// from sample paths, when asked for (ForecastWindows).
	Window string
	Totals []WindowTotal
	// Scenario is the same model with a covariate (scenario.go), with its
	// own conditional backtest; nil with ScenarioNote saying why.
	Scenario     *Scenario
	ScenarioNote string
}

// Calibration is how one horizon's interval was made.
type Calibration struct {
	Horizon int `json:"horizon"`
	Errors  int `json:"errors"`
	From    int `json:"from_horizon"`
}

// Forecast forecasts one series h periods ahead from the data up to until
// ("" for all) and backtests the models on the same data. model
// ModelDefault ("") takes the series' default, chosen from the backtest
// (rules.go, chooseDefault). Without a track record there is no forecast
// (rules.go, noForecastWithoutTrackRecord): a series too short to be
// tested on its own past is refused with ErrNoTrackRecord (422).
func (s *Service) Forecast(ctx context.Context, q SeriesQuery, until string, h int, model string) (*TrackedForecast, error) {
	return s.ForecastWindows(ctx, q, until, h, model, "")
}

// ForecastWindows is Forecast with totals over windows (WindowFiscalYear,
// WindowYear; "" for none): the horizon is extended to the end of the
// window holding its last period, and every window the data and the
// forecast cover together gets a total with intervals from sample paths.
// Totals need monthly data (422 otherwise).
func (s *Service) ForecastWindows(ctx context.Context, q SeriesQuery, until string, h int, model, window string) (*TrackedForecast, error) {
	tail, in, err := s.PickSeries(ctx, q, until)
	if err != nil {
		return nil, err
	}
	f, err := forecastTail(tail, in, h, model, window)
	var ref *refusal
	if errors.As(err, &ref) {
		return nil, err // the caller's to fix: its message as is
	}
	if err != nil {
		return nil, fmt.Errorf("indicators: forecast %s %s: %w", q.Country, q.Indicator, err)
	}
	var cov *Tail
	if tail.Series.Country != scenarioCovariateCountry {
		scope := tail.Series.Scope
		c, _, err := s.PickSeries(ctx, SeriesQuery{Country: scenarioCovariateCountry, Indicator: q.Indicator, Scope: &scope, Frequency: tail.Series.Frequency}, until)
		switch {
		case err == nil:
			cov = &c
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
	}
	scenarioFor(f, cov)
	return f, nil
}

// forecastTail is ForecastWindows on a chosen series: no I/O.
func forecastTail(tail Tail, in Indicator, h int, model, window string) (*TrackedForecast, error) {
	o := OptionsFor(in, tail)
	if model != ModelDefault && !slices.Contains(Models(o.Season), model) {
		return nil, &refusal{msg: fmt.Sprintf("unknown model %q (one of %s)", model, strings.Join(Models(o.Season), ", ")), cause: ErrUnknownModel}
	}
	if window != "" {
		var err error
		if h, err = windowHorizon(tail, h, window); err != nil {
			return nil, err
		}
	}
	bt, err := BacktestTail(tail, in, h)
	if err != nil {
		return nil, trackRecordRefusal(err)
	}
	if model == ModelDefault {
		model = bt.Default
	}
	n := len(tail.Values)
	fc, sp, err := bt.run.roll.calibrated(model, n, h)
	if err != nil {
		return nil, tooShortRefusal(err)
	}
	bt.setModel(model)
	last := tail.Periods[n-1]
	out := &TrackedForecast{
		SeriesForecast: &SeriesForecast{Tail: tail, Indicator: in, Options: o, Periods: NextPeriods(last, h), Forecast: fc},
		Backtest:       bt, Window: window,
	}
	for j, x := range sp {
		out.Calibration = append(out.Calibration, Calibration{Horizon: j + 1, Errors: x.N, From: x.From})
	}
	stored := map[string]float64{}
	for _, p := range tail.Series.Points {
		if p.Value != nil {
			stored[p.Period] = *p.Value
		}
	}
	out.Actuals = make([]*float64, h)
	for j, p := range out.Periods {
		if v, ok := stored[p]; ok {
			out.Actuals[j] = &v
		}
	}
	if window != "" {
		paths := samplePaths(bt.run.roll.at(model, n).Point[:h], sp, samplePathCount, o)
		out.Totals = windowTotals(tail, out.Periods, paths, window, stored)
	}
	return out, nil
}

// ErrUnknownModel refuses a model name the domain does not have.
var ErrUnknownModel = errors.New("unknown model")

// ForecastChoices are the countries and indicators the forecast form
// offers: those with values that may be forecast (rules.go). Neither list
// is nil.
func (s *Service) ForecastChoices(ctx context.Context) ([]Country, []IndicatorInfo, error) {
	cs, err := s.ListCountries(ctx)
	if err != nil {
		return nil, nil, err
	}
	list, err := s.ListIndicators(ctx)
	if err != nil {
		return nil, nil, err
	}
	countries, inds := []Country{}, []IndicatorInfo{}
	for _, c := range cs {
		if countryForecastable(c) {
			countries = append(countries, c)
		}
	}
	for _, in := range list {
		if Forecastable(in.Indicator) {
			inds = append(inds, in)
		}
	}
	return countries, inds, nil
}

// BacktestResult is a series' track record.
type BacktestResult struct {
	Tail     Tail
	Horizon  int
	MinTrain int
	Scores   []Score
	// Default is the model the series' forecast uses unless another is
	// asked for (rules.go, chooseDefault).
	Default string
	// Benchmark is the model the others are compared with (Score's
	// VsBenchmark) and the default falls back to (rules.go benchmarkOf).
	Benchmark string
	// Model is the model whose past origins Track lists: the one
	// forecast, or the default.
	Model string
	Track []TrackRow
	// Selection is the track record of the default itself: the choice
	// re-made at every origin from the backtest as it stood then
	// (selection.go), scored like a model; Choices counts the origins at
	// which each model was the default.
	Selection Score
	Choices   map[string]int
	// Coverage is whether Model's intervals held about as often as they
	// say in this backtest (CoverageHonest, CoverageTooNarrow,
	// CoverageTooWide, CoverageUnknown; rules.go coverageVerdict).
	Coverage string
	run      *backtest
}

// setModel makes model the one whose track record and coverage verdict
// the result reports.
func (bt *BacktestResult) setModel(model string) {
	bt.Model = model
	bt.Track = bt.run.trackRows(model, bt.Tail.Periods)
	bt.Coverage = ""
	for _, s := range bt.Scores {
		if s.Model == model {
			bt.Coverage = coverageVerdict(s)
		}
	}
}

// BacktestSeries runs the rolling-origin evaluation on one series. A
// series too short for an honest backtest is refused (422, unwrapping to
// ErrTooShort).
func (s *Service) BacktestSeries(ctx context.Context, q SeriesQuery, h int) (*BacktestResult, error) {
	tail, in, err := s.PickSeries(ctx, q, "")
	if err != nil {
		return nil, err
	}
	bt, err := BacktestTail(tail, in, h)
	if err != nil {
		return nil, tooShortRefusal(fmt.Errorf("indicators: backtest %s %s: %w", q.Country, q.Indicator, err))
	}
	return bt, nil
}

// BacktestTail evaluates the models on the data a forecast uses, so that
// its track record is what could have been known then.
func BacktestTail(tail Tail, in Indicator, h int) (*BacktestResult, error) {
	o := OptionsFor(in, tail)
	mt := backtestFirstOrigin(tail.Series.Frequency, o.Season)
	run, err := runBacktest(tail.Values, h, mt, o)
	if err != nil {
		return nil, err
	}
	def := chooseDefault(run.scores)
	sel, choices := run.selection(tail.Values, h)
	res := &BacktestResult{Tail: tail, Horizon: h, MinTrain: mt, Scores: run.scores, Default: def, Benchmark: run.benchmark(), Selection: sel, Choices: choices, run: run}
	res.setModel(def)
	return res, nil
}

// SeriesQuery picks one series for forecasting and backtests.
type SeriesQuery struct {
	Country, Indicator string
	Scope              *string   // nil: choose
	Frequency          Frequency // "": choose
}

// PickSeries loads the candidate series and chooses one: the given scope
// and frequency, else monthly data when there are at least three years of
// it, else the series with the longest unbroken run.
func (s *Service) PickSeries(ctx context.Context, q SeriesQuery, until string) (Tail, Indicator, error) {
	in, err := s.GetIndicator(ctx, q.Indicator)
	if err != nil {
		return Tail{}, in, err
	}
	list, err := s.LoadSeries(ctx, SeriesFilter(q))
	if err != nil {
		return Tail{}, in, err
	}
	var best Tail
	bestScore := -1
	for _, se := range list {
		t, err := TailOf(se, until)
		if err != nil {
			return Tail{}, in, err
		}
		// Longest run first; on a tie the scope listed first in
		// knownScopes (Border Patrol, southwest border) wins.
		score := len(t.Values)*100 + (len(knownScopes) - scopeRank(se.Scope))
		if se.Frequency == Monthly && len(t.Values) >= 36 {
			score += 1_000_000_000
		}
		if score > bestScore {
			best, bestScore = t, score
		}
	}
	if bestScore <= 0 {
		return Tail{}, in, fmt.Errorf("indicators: no %s values for %s%s: %w", q.Indicator, q.Country, untilText(until), store.ErrNotFound)
	}
	return best, in, nil
}

func untilText(until string) string {
	if until == "" {
		return ""
	}
	return " up to " + until
}
