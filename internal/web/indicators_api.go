package web

import (
	"net/http"

	"github.com/amparo-project/amparo/internal/indicators"
)

func (s *Server) handleIndicatorsAPI(w http.ResponseWriter, r *http.Request) {
	list, err := indicators.ListIndicators(r.Context(), s.db)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	srcs, err := indicators.ListSources(r.Context(), s.db)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if list == nil {
		list = []indicators.IndicatorInfo{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"indicators": list, "sources": srcs})
}

type apiSeries struct {
	indicators.Series
	ScopeLabel string `json:"scope_label"`
}

func (s *Server) handleSeriesAPI(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := indicators.SeriesFilter{Country: q.Get("country"), Indicator: q.Get("indicator")}
	if f.Country == "" && f.Indicator == "" {
		s.writeError(w, r, http.StatusBadRequest, "bad_request", "give country, indicator or both")
		return
	}
	if sc, ok := q["scope"]; ok {
		f.Scope = &sc[0]
	}
	if fr := q.Get("frequency"); fr != "" {
		switch indicators.Frequency(fr) {
		case indicators.Monthly, indicators.FiscalYear, indicators.Yearly:
			f.Frequency = indicators.Frequency(fr)
		default:
			s.writeError(w, r, http.StatusBadRequest, "bad_request", "frequency must be month, fiscal_year or year")
			return
		}
	}
	list, err := indicators.LoadSeries(r.Context(), s.db, f)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	out := make([]apiSeries, 0, len(list))
	used := map[string]bool{}
	for _, se := range list {
		out = append(out, apiSeries{se, indicators.ScopeLabel(se.Scope)})
		for _, p := range se.Points {
			used[p.SourceKey] = true
			for _, o := range p.Others {
				used[o.SourceKey] = true
			}
		}
	}
	all, err := indicators.ListSources(r.Context(), s.db)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	srcs := []indicators.Source{}
	for _, src := range all {
		if used[src.Key] {
			srcs = append(srcs, src)
		}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"series": out, "sources": srcs})
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
	Horizon   int                `json:"horizon"`
	MinTrain  int                `json:"backtest_first_origin"`
}

type apiForecastPoint struct {
	Period   string  `json:"period"`
	Forecast float64 `json:"forecast"`
	Lower80  float64 `json:"lower80"`
	Upper80  float64 `json:"upper80"`
	Lower95  float64 `json:"lower95"`
	Upper95  float64 `json:"upper95"`
}

func (s *Server) handleForecastsAPI(w http.ResponseWriter, r *http.Request) {
	fp, err := readForecastParams(r)
	if err != nil {
		s.writeError(w, r, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	res, err := s.runForecast(r, fp)
	if err != nil {
		s.forecastError(w, r, err)
		return
	}
	t, f := res.F.Tail, res.F.Forecast
	out := apiForecast{Country: t.Series.Country, Indicator: t.Series.Indicator, Scope: t.Series.Scope, Frequency: string(t.Series.Frequency),
		Model: f.Model, DataFrom: t.Periods[0], DataUntil: t.Periods[len(t.Periods)-1], Values: len(t.Values), Log: res.F.Options.Log,
		Backtest: res.BT.Scores, Horizon: fp.Horizon, MinTrain: res.BT.MinTrain}
	for i, p := range res.F.Periods {
		out.Forecast = append(out.Forecast, apiForecastPoint{p, f.Point[i], f.Lower80[i], f.Upper80[i], f.Lower95[i], f.Upper95[i]})
	}
	s.writeJSON(w, http.StatusOK, out)
}
