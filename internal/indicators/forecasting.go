package indicators

import (
	"context"
	"errors"
	"fmt"

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
// models on the data the forecast used.
type TrackedForecast struct {
	*SeriesForecast
	Backtest *BacktestResult
}

// Forecast forecasts one series as ForecastSeries does and backtests the
// models on the same data. Without a track record there is no forecast
// (rules.go, noForecastWithoutTrackRecord): a series too short to be
// tested on its own past is refused with ErrNoTrackRecord (422).
func (s *Service) Forecast(ctx context.Context, q SeriesQuery, until string, h int, model string) (*TrackedForecast, error) {
	f, err := s.ForecastSeries(ctx, q, until, h, model)
	if err != nil {
		return nil, err
	}
	bt, err := BacktestTail(f.Tail, f.Indicator, h)
	if err != nil {
		return nil, trackRecordRefusal(err)
	}
	return &TrackedForecast{SeriesForecast: f, Backtest: bt}, nil
}

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
	scores, err := Backtest(tail.Values, h, mt, o)
	if err != nil {
		return nil, err
	}
	return &BacktestResult{Tail: tail, Horizon: h, MinTrain: mt, Scores: scores}, nil
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
