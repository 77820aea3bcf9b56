package web

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"golang.org/x/text/message"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/amparo-project/amparo/internal/errs"
	"github.com/amparo-project/amparo/internal/indicators"
)

type indCountryLink struct{ Code, Name string }

type indIndicatorLink struct {
	Code, Name, Unit, First, Last string
	Countries                     int
}

type indHomeView struct {
	Countries  []indCountryLink
	Regions    []indCountryLink
	Indicators []indIndicatorLink
}

func (h *indicatorHandlers) handleIndicatorsHome(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	cs, err := h.ind.ListCountries(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	list, err := h.ind.ListIndicators(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := indHomeView{}
	for _, c := range cs {
		switch c.Kind {
		case "country", "special":
			v.Countries = append(v.Countries, indCountryLink{c.Code, h.countryName(lang, c.Code)})
		case "aggregate":
			v.Regions = append(v.Regions, indCountryLink{c.Code, h.countryName(lang, c.Code)})
		}
	}
	for _, in := range list {
		v.Indicators = append(v.Indicators, indIndicatorLink{in.Code, h.indicatorName(lang, in.Indicator), in.Unit, in.First, in.Last, len(in.Countries)})
	}
	h.render(w, r, http.StatusOK, "indicators_home", v)
}

type indPanelView struct {
	Chart        indChart
	Code, Name   string
	Unit         string // as catalogued; the template translates it
	IsText       bool
	Latest       string
	LatestPeriod string
	LatestScope  string
	Change       string
	ChangePeriod string
	LatestSource *indicators.Source
}

type indCorrView struct {
	Driver, DriverName string
	Lag, N             int
	R                  string
	Unknown            bool
	Scope              string
}

type indCountryView struct {
	Code, Name   string
	Panels       []indPanelView
	Correlations []indCorrView
	CSV          string
}

func (h *indicatorHandlers) handleIndicatorsCountry(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	code := r.PathValue("code")
	panels, err := h.ind.CountryPanels(ctx, code)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if len(panels) == 0 {
		h.writeError(w, r, http.StatusNotFound, "not_found", "No indicators for "+code)
		return
	}
	srcs, err := h.ind.SourcesByKey(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	pr := numPrinter(lang)
	v := indCountryView{Code: code, Name: h.countryName(lang, code), CSV: csvLink("country", code)}
	for i, p := range panels {
		name := h.indicatorName(lang, p.Indicator)
		pv := indPanelView{Code: p.Indicator.Code, Name: name, Unit: p.Indicator.Unit, IsText: p.Indicator.Kind == "text"}
		label := func(se indicators.Series) string {
			if se.Scope == "" {
				return name
			}
			return h.scopeText(lang, se.Scope)
		}
		title := name
		switch {
		case p.Lone && p.Frequency == indicators.Monthly:
			title += " (" + h.translate(lang, "indicators.lonemonth") + ")"
		case p.Frequency == indicators.Monthly:
			title += " (" + h.translate(lang, "indicators.monthly") + ")"
		}
		pv.Chart = h.seriesChart(r, fmt.Sprintf("c%d", i), title, p.Indicator, p.Series, label, indicators.MarksSurges(p.Indicator.Code), srcs)
		pv.Chart.Small = true
		pv.Chart.NoChart = pv.IsText || p.Lone
		pv.Chart.CSV = csvLink("country", code, "indicator", p.Indicator.Code)
		if p.Latest != nil {
			pv.LatestPeriod = p.Latest.Period
			pv.LatestScope = h.scopeText(lang, p.Series[p.Main].Scope)
			if p.Latest.Value != nil {
				pv.Latest = fmtValue(pr, *p.Latest.Value, p.Indicator.Kind)
			} else {
				pv.Latest = p.Latest.Text
			}
			if src, ok := srcs[p.Latest.SourceKey]; ok {
				pv.LatestSource = &src
			}
		}
		if p.Change != nil && p.Previous != nil {
			pv.Change = signed(fmtValue(pr, *p.Change, p.Indicator.Kind), *p.Change)
			if p.ChangePct != nil {
				pv.Change += " (" + signed(pr.Sprintf("%.0f%%", *p.ChangePct), *p.ChangePct) + ")"
			}
			pv.ChangePeriod = p.Previous.Period
		}
		v.Panels = append(v.Panels, pv)
	}
	corr, err := h.ind.LaggedCorrelations(ctx, code, 2)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for _, c := range corr {
		cv := indCorrView{Driver: c.Driver, Lag: c.Lag, N: c.N, Scope: h.scopeText(lang, c.Scope)}
		if in, err := h.ind.GetIndicator(ctx, c.Driver); err == nil {
			cv.DriverName = h.indicatorName(lang, in)
		}
		if math.IsNaN(c.R) {
			cv.Unknown = true
		} else {
			cv.R = pr.Sprintf("%.2f", c.R)
		}
		v.Correlations = append(v.Correlations, cv)
	}
	h.render(w, r, http.StatusOK, "indicators_country", v)
}

func signed(text string, v float64) string {
	if v > 0 {
		return "+" + text
	}
	return text
}

type indIndicatorView struct {
	Code, Name, Unit, Definition string
	Charts                       []indChart
	PerCapita                    *indChart
	PerCapitaNote                string
	CSV                          string
}

func (h *indicatorHandlers) handleIndicatorsIndicator(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	code := r.PathValue("code")
	in, err := h.ind.GetIndicator(ctx, code)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	groups, err := h.ind.IndicatorGroups(ctx, code)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	srcs, err := h.ind.SourcesByKey(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := indIndicatorView{Code: code, Name: h.indicatorName(lang, in), Unit: in.Unit, Definition: in.Definition, CSV: csvLink("indicator", code)}
	byCountry := func(se indicators.Series) string { return h.countryName(lang, se.Country) }
	for i, g := range groups {
		title := v.Name
		if g[0].Frequency == indicators.Monthly {
			title += " (" + h.translate(lang, "indicators.monthly") + ")"
		}
		if g[0].Scope != "" {
			title += " · " + h.scopeText(lang, g[0].Scope)
		}
		ch := h.seriesChart(r, fmt.Sprintf("g%d", i), title, in, g, byCountry, indicators.MarksSurges(code), srcs)
		ch.CSV = csvLink("indicator", code)
		v.Charts = append(v.Charts, ch)
	}
	v.PerCapita, v.PerCapitaNote = h.perCapitaChart(r, code, groups, srcs)
	h.render(w, r, http.StatusOK, "indicators_indicator", v)
}

// perCapitaChart is the per-capita variant of the indicator's charts, when
// the domain has one for it (Border Patrol counts by country of origin per
// 100,000 aged 0-14).
func (h *indicatorHandlers) perCapitaChart(r *http.Request, code string, groups [][]indicators.Series, srcs map[string]indicators.Source) (*indChart, string) {
	ctx, lang := r.Context(), langOf(r)
	per := h.ind.PerCapitaSeries(ctx, code, groups)
	if len(per) == 0 {
		return nil, ""
	}
	in := indicators.Indicator{Code: "uac_per_100k_0_14", Name: h.translate(lang, "indicators.percapita.title"), Unit: h.translate(lang, "indicators.percapita.unit"), Kind: "number"}
	ch := h.seriesChart(r, "pc", in.Name, in, per, func(se indicators.Series) string { return h.countryName(lang, se.Country) }, false, srcs)
	return &ch, h.translate(lang, "indicators.percapita.note")
}

type indFlowsView struct {
	Charts []indChart
}

func (h *indicatorHandlers) handleIndicatorsFlows(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	in, err := h.ind.GetIndicator(ctx, "uac_encounters")
	if errors.Is(err, errs.ErrNotFound) {
		h.render(w, r, http.StatusOK, "indicators_flows", indFlowsView{})
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	groups, err := h.ind.IndicatorGroups(ctx, "uac_encounters")
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	srcs, err := h.ind.SourcesByKey(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	v := indFlowsView{}
	for i, g := range groups {
		freq := h.translate(lang, "indicators.freq."+string(g[0].Frequency))
		title := freq + " · " + h.scopeText(lang, g[0].Scope)
		ch := h.seriesChart(r, fmt.Sprintf("f%d", i), title, in, g, func(se indicators.Series) string { return h.countryName(lang, se.Country) }, true, srcs)
		ch.CSV = csvLink("indicator", "uac_encounters")
		v.Charts = append(v.Charts, ch)
	}
	h.render(w, r, http.StatusOK, "indicators_flows", v)
}

type indProjRow struct {
	MadeOn, MadeBy, Target, Projected, Actual, Ratio string
	Until, Forecast, Range, ForecastErr, CiteURL     string
	Note                                             string
	ActualUnknown                                    bool
}

type indProjectionsView struct {
	Rows  []indProjRow
	Chart indChart
}

func (h *indicatorHandlers) handleIndicatorsProjections(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	rows, err := h.ind.CompareProjections(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	pr := numPrinter(lang)
	v := indProjectionsView{}
	spec := indChartSpec{Kind: "bar", Unit: h.translate(lang, "indicators.children"), Zero: true}
	proj := indDataset{Label: h.translate(lang, "indicators.proj.projected"), Color: 1, Style: "solid"}
	amp := indDataset{Label: h.translate(lang, "indicators.proj.amparo"), Color: 2, Style: "solid"}
	act := indDataset{Label: h.translate(lang, "indicators.proj.actual"), Color: 0, Style: "solid"}
	v.Chart = indChart{ID: "proj", Title: h.translate(lang, "indicators.proj.title"), Columns: []string{proj.Label, amp.Label, act.Label}}
	for _, row := range rows {
		pv := indProjRow{MadeOn: row.MadeOn, MadeBy: row.MadeBy, Target: row.TargetPeriod, Projected: pr.Sprintf("%.0f", row.Projected),
			Until: row.Until, ForecastErr: row.ForecastErr, CiteURL: row.CiteURL, Note: h.noteText(lang, row.Note)}
		label := row.TargetPeriod + " · " + row.MadeOn
		spec.Labels = append(spec.Labels, label)
		p := row.Projected
		proj.Data = append(proj.Data, &p)
		tr := indRow{Period: label + " · " + row.MadeBy}
		tr.Cells = append(tr.Cells, indCell{Text: pv.Projected})
		if row.Forecast != nil {
			f := *row.Forecast
			amp.Data = append(amp.Data, &f)
			pv.Forecast = pr.Sprintf("%.0f", f)
			pv.Range = pr.Sprintf("%.0f–%.0f", *row.Lower80, *row.Upper80)
			tr.Cells = append(tr.Cells, indCell{Text: pv.Forecast + " (" + pv.Range + ")"})
		} else {
			amp.Data = append(amp.Data, nil)
			tr.Cells = append(tr.Cells, indCell{Text: h.translate(lang, "indicators.unknown"), Unknown: true, Title: row.ForecastErr})
		}
		if row.Actual != nil {
			a := *row.Actual
			act.Data = append(act.Data, &a)
			pv.Actual = pr.Sprintf("%.0f", a)
			pv.Ratio = pr.Sprintf("%.2f", row.Projected/a)
			tr.Cells = append(tr.Cells, indCell{Text: pv.Actual})
		} else {
			act.Data = append(act.Data, nil)
			pv.ActualUnknown = true
			tr.Cells = append(tr.Cells, indCell{Text: h.translate(lang, "indicators.unknown"), Unknown: true})
		}
		v.Rows = append(v.Rows, pv)
		v.Chart.Rows = append(v.Chart.Rows, tr)
	}
	spec.Datasets = []indDataset{proj, amp, act}
	v.Chart.Spec = spec
	if srcs, err := h.ind.SourcesByKey(ctx); err == nil {
		for _, k := range []string{"amparo-projections-2014", "amparo-uac-fy", "cbp-usbp-uac-monthly-sector-fy2010-2019"} {
			if src, ok := srcs[k]; ok {
				v.Chart.Sources = append(v.Chart.Sources, h.sourceIn(lang, src))
			}
		}
	}
	v.Chart.CSV = "/indicators/projections.csv"
	h.render(w, r, http.StatusOK, "indicators_projections", v)
}

// forecastParams reads and checks the forecast query.
type forecastParams struct {
	Country, Indicator, Until, Model, Scope, Frequency, Total string
	Horizon                                                   int
}

func (fp forecastParams) query() indicators.SeriesQuery {
	q := indicators.SeriesQuery{Country: fp.Country, Indicator: fp.Indicator, Frequency: indicators.Frequency(fp.Frequency)}
	if fp.Scope != "" {
		sc := fp.Scope
		q.Scope = &sc
	}
	return q
}

func (fp forecastParams) values() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"country": fp.Country, "indicator": fp.Indicator, "until": fp.Until, "model": fp.Model, "scope": fp.Scope, "frequency": fp.Frequency, "total": fp.Total} {
		if v != "" {
			q.Set(k, v)
		}
	}
	q.Set("horizon", strconv.Itoa(fp.Horizon))
	return q
}

// fcParamError is a forecast query's bad parameter: the API answers its
// message; the page says in plain words which field to change.
type fcParamError struct {
	field string
	err   error
}

func (e fcParamError) Error() string { return e.err.Error() }
func (e fcParamError) Unwrap() error { return e.err }

// forecastProblem is a refused forecast as the page says it, in the
// page's language: never the domain's code words ("series too short:
// naive(m=1) needs 3 values, has 0").
func (h *indicatorHandlers) forecastProblem(lang string, err error) string {
	var pe fcParamError
	switch {
	case errors.As(err, &pe):
		return h.translate(lang, "indicators.fc.err."+pe.field)
	case errors.Is(err, errs.ErrNotFound):
		return h.translate(lang, "indicators.fc.err.no_series")
	default:
		// Too short for a track record, or for the model asked for.
		return h.translate(lang, "indicators.fc.err.too_short")
	}
}

// fcFloor is the least value a forecast of in may show: 0 for the
// catalogue's counts, rates, shares, indexes and scores, none for the
// WGI estimates (about -2.5 to 2.5) and for indicators imported without a
// description (they may be changes or balances). Bands of a rate below 0
// would show impossible values.
func fcFloor(in indicators.Indicator) (float64, bool) {
	if in.Kind == "count" {
		return 0, true
	}
	if _, known := indicators.KnownIndicator(in.Code); !known && !strings.HasSuffix(in.Code, "_pctrank") {
		return 0, false
	}
	if strings.HasPrefix(in.Code, "wgi_") && !strings.HasSuffix(in.Code, "_pctrank") {
		return 0, false
	}
	return 0, true
}

// fcClip raises x to in's floor.
func fcClip(in indicators.Indicator, x float64) float64 {
	if floor, ok := fcFloor(in); ok && x < floor {
		return floor
	}
	return x
}

func readForecastParams(r *http.Request) (forecastParams, error) {
	q := r.URL.Query()
	fp := forecastParams{Country: q.Get("country"), Indicator: q.Get("indicator"), Until: q.Get("until"), Model: q.Get("model"),
		Scope: q.Get("scope"), Frequency: q.Get("frequency"), Total: q.Get("total")}
	if fp.Country == "" {
		fp.Country = "ALL"
	}
	if fp.Indicator == "" {
		fp.Indicator = "uac_encounters"
	}
	// No model: the series' default, chosen by the domain from the backtest.
	if fp.Model != indicators.ModelDefault && !slices.Contains(indicators.Models(12), fp.Model) {
		return fp, fcParamError{"model", fmt.Errorf("unknown model %q", fp.Model)}
	}
	if fp.Total != "" && !slices.Contains(indicators.Windows(), fp.Total) {
		return fp, fcParamError{"total", fmt.Errorf("unknown total %q (fiscal_year or year)", fp.Total)}
	}
	switch indicators.Frequency(fp.Frequency) {
	case "", indicators.Monthly, indicators.FiscalYear, indicators.Yearly:
	default:
		return fp, fcParamError{"frequency", fmt.Errorf("unknown frequency %q", fp.Frequency)}
	}
	if fp.Until != "" {
		if _, err := indicators.ParsePeriod(fp.Until); err != nil {
			return fp, fcParamError{"until", err}
		}
	}
	h, err := queryInt(r, "horizon", 12, 1, 60)
	if err != nil {
		return fp, fcParamError{"horizon", err}
	}
	fp.Horizon = h
	return fp, nil
}

// forecast is the forecast the query asks for, with its track record;
// the domain refuses a forecast without one.
func (h *indicatorHandlers) forecast(ctx context.Context, fp forecastParams) (*indicators.TrackedForecast, error) {
	return h.ind.ForecastWindows(ctx, fp.query(), fp.Until, fp.Horizon, fp.Model, fp.Total)
}

type indForecastView struct {
	Params     forecastParams
	Countries  []indCountryLink
	Indicators []indIndicatorLink
	Models     []string
	Error      string
	Chart      *indChart
	Scores     []indScoreView
	Series     string
	Horizon    int
	MinTrain   int
	CSV        string
	Model      string // the model forecast
	Default    string // the series' default
	Windows    []string
	Totals     []indTotalView
	Track      []indTrackView
	Calibrated string // how the intervals were made
	// Coverage is the forecast model's coverage check (held against
	// promised); Scenario the same model with a covariate, or ScenarioNote
	// why there is none.
	Coverage     *indCoverageView
	Scenario     *indScenarioView
	ScenarioNote string
}

// indCoverageView is the coverage check the API returns as
// coverage_check, with the figures it judges.
type indCoverageView struct {
	Model, Verdict, Held80, Held95 string
	Code                           string // honest, too_narrow, too_wide, too_few_forecasts
	Forecasts                      int
}

// indScenarioView is a scenario as the page shows it: never as a forecast.
type indScenarioView struct {
	Covariate, Base, Level, LevelPeriod, Beta string
	Pairs                                     int
	MASE, Cover80, Cover95, VsBase, Verdict   string
	Origins, Forecasts                        int
	Rows                                      []indScenarioRow
}

type indScenarioRow struct {
	Period, Point, Range80, Range95 string
}

type indScoreView struct {
	Model, MASE, VsBenchmark, Verdict, SMAPE, Cover80, Cover95 string
	Origins, Forecasts                                         int
	Chosen, Default, Benchmark                                 bool
}

type indTotalView struct {
	Period, Forecast, Range80, Range95, Observed, Actual string
	ActualUnknown, Held80                                bool
}

type indTrackView struct {
	Origin, Target, Forecast, Range80, Actual, Error string
	Held80, Held95                                   bool
}

func (h *indicatorHandlers) handleIndicatorsForecast(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	v := indForecastView{Models: indicators.Models(12), Windows: indicators.Windows()}
	cs, list, err := h.ind.ForecastChoices(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	for _, c := range cs {
		v.Countries = append(v.Countries, indCountryLink{c.Code, h.countryName(lang, c.Code)})
	}
	for _, in := range list {
		v.Indicators = append(v.Indicators, indIndicatorLink{Code: in.Code, Name: h.indicatorName(lang, in.Indicator)})
	}
	fp, err := readForecastParams(r)
	v.Params = fp
	if err != nil {
		v.Error = h.forecastProblem(lang, err)
		h.render(w, r, http.StatusBadRequest, "indicators_forecast", v)
		return
	}
	res, err := h.forecast(ctx, fp)
	switch {
	case errors.Is(err, errs.ErrNotFound) || errs.IsValidation(err):
		// No such series, or one too short for a forecast with a track
		// record: the form is shown again with the reason.
		v.Error = h.forecastProblem(lang, err)
		h.render(w, r, http.StatusOK, "indicators_forecast", v)
		return
	case err != nil:
		h.serverError(w, r, err)
		return
	}
	t := res.Tail
	v.Series = fmt.Sprintf("%s · %s · %s · %s–%s (%d)", h.countryName(lang, t.Series.Country), h.indicatorName(lang, res.Indicator),
		h.scopeText(lang, t.Series.Scope), t.Periods[0], t.Periods[len(t.Periods)-1], len(t.Values))
	v.Horizon, v.MinTrain = len(res.Periods), res.Backtest.MinTrain
	v.CSV = "/indicators/forecast.csv?" + fp.values().Encode()
	v.Model, v.Default = res.Forecast.Model, res.Backtest.Default
	h.fillForecastTables(&v, lang, res)
	ch := h.forecastChart(r, res)
	if err := h.fillScenario(&v, &ch, lang, res); err != nil {
		h.serverError(w, r, err)
		return
	}
	v.Chart = &ch
	h.render(w, r, http.StatusOK, "indicators_forecast", v)
}

func (h *indicatorHandlers) forecastChart(r *http.Request, res *indicators.TrackedForecast) indChart {
	lang := langOf(r)
	pr := numPrinter(lang)
	t, f := res.Tail, res.SeriesForecast.Forecast
	n, hz := len(t.Periods), len(res.Periods)
	labels := append(append([]string{}, t.Periods...), res.Periods...)
	mk := func() []*float64 { return make([]*float64, n+hz) }
	hist, fc, l80, u80, l95, u95, after := mk(), mk(), mk(), mk(), mk(), mk(), mk()
	ch := indChart{ID: "fc", Title: h.translate(lang, "indicators.fc.chart"), Unit: res.Indicator.Unit,
		Columns: []string{h.translate(lang, "indicators.fc.observed"), h.translate(lang, "indicators.fc.forecast"), h.translate(lang, "indicators.fc.range80"), h.translate(lang, "indicators.fc.range95"), h.translate(lang, "indicators.fc.error")}}
	for i, v := range t.Values {
		x := v
		hist[i] = &x
		ch.Rows = append(ch.Rows, indRow{Period: t.Periods[i], Cells: []indCell{{Text: fmtValue(pr, v, res.Indicator.Kind)}, {}, {}, {}, {}}})
	}
	for k := range hz {
		i := n + k
		cl := func(x float64) float64 { return fcClip(res.Indicator, x) }
		p, a, b, c, d := cl(f.Point[k]), cl(f.Lower80[k]), cl(f.Upper80[k]), cl(f.Lower95[k]), cl(f.Upper95[k])
		fc[i], l80[i], u80[i], l95[i], u95[i] = &p, &a, &b, &c, &d
		kind := res.Indicator.Kind
		// What then happened, when the database has it (a forecast as of a
		// past date): drawn and tabled with the error, never "not yet
		// observed".
		obs := indCell{Text: h.translate(lang, "indicators.fc.future"), Unknown: true}
		errCell := indCell{}
		if av := res.Actuals[k]; av != nil {
			x := *av
			after[i] = &x
			obs = indCell{Text: fmtValue(pr, x, kind)}
			errCell = indCell{Text: fmtValue(pr, x-p, kind) + pctOf(pr, x-p, p)}
		}
		ch.Rows = append(ch.Rows, indRow{Period: res.Periods[k], Cells: []indCell{
			obs,
			{Text: fmtValue(pr, p, kind)},
			{Text: fmtValue(pr, a, kind) + " – " + fmtValue(pr, b, kind)},
			{Text: fmtValue(pr, c, kind) + " – " + fmtValue(pr, d, kind)},
			errCell,
		}})
	}
	if _, floored := fcFloor(res.Indicator); floored {
		ch.Notes = append(ch.Notes, h.translate(lang, "indicators.fc.floor_note"))
	}
	// Join the forecast line to the last observation so that it reads as
	// a continuation.
	last := t.Values[n-1]
	fc[n-1] = &last
	ch.Spec = indChartSpec{Kind: "line", Labels: labels, Unit: res.Indicator.Unit, Zero: res.Indicator.Kind == "count", Datasets: []indDataset{
		{Label: h.translate(lang, "indicators.fc.range95"), Data: l95, Style: "band-low", Color: 1},
		{Label: h.translate(lang, "indicators.fc.range95"), Data: u95, Style: "band-high", Color: 1},
		{Label: h.translate(lang, "indicators.fc.range80"), Data: l80, Style: "band-low", Color: 1},
		{Label: h.translate(lang, "indicators.fc.range80"), Data: u80, Style: "band-high", Color: 1},
		{Label: h.translate(lang, "indicators.fc.observed"), Data: hist, Style: "solid", Color: 0},
		{Label: h.translate(lang, "indicators.fc.forecast") + " (" + f.Model + ")", Data: fc, Style: "dashed", Color: 1},
	}}
	if slices.ContainsFunc(after, func(p *float64) bool { return p != nil }) {
		ch.Spec.Datasets = append(ch.Spec.Datasets, indDataset{Label: h.translate(lang, "indicators.fc.happened"), Data: after, Style: "solid", Color: 2})
	}
	return ch
}

// pctOf is " (+12%)": d as a share of base.
func pctOf(pr *message.Printer, d, base float64) string {
	if base == 0 {
		return ""
	}
	return pr.Sprintf(" (%+.0f%%)", 100*d/base)
}

// fillForecastTables fills the backtest table (with the MASE difference to
// the benchmark and its verdict), the totals and every past origin's track record.
func (h *indicatorHandlers) fillForecastTables(v *indForecastView, lang string, res *indicators.TrackedForecast) {
	pr := numPrinter(lang)
	kind := res.Indicator.Kind
	for _, sc := range append(slices.Clone(res.Backtest.Scores), res.Backtest.Selection) {
		sv := indScoreView{Model: sc.Model, MASE: pr.Sprintf("%.3f", sc.MASE), SMAPE: pr.Sprintf("%.1f", sc.SMAPE),
			Cover80: pr.Sprintf("%.0f%%", 100*sc.Cover80), Cover95: pr.Sprintf("%.0f%%", 100*sc.Cover95), Origins: sc.Origins, Forecasts: sc.Forecast,
			Chosen: sc.Model == res.Forecast.Model, Default: sc.Model == res.Backtest.Default,
			Benchmark: sc.Model == res.Backtest.Benchmark && sc.Model != res.Backtest.Default}
		if sc.Model == indicators.SelectionModel {
			sv.Model = h.translate(lang, "indicators.fc.rechosen")
		}
		if c := sc.VsBenchmark; c != nil {
			sv.VsBenchmark = pr.Sprintf("%+.3f (%+.3f – %+.3f)", c.Diff, c.Lower, c.Upper)
			sv.Verdict = h.translate(lang, "indicators.fc.verdict."+c.Verdict)
			if c.Verdict == indicators.VerdictBetter && sc.Coverage == indicators.CoverageTooNarrow {
				sv.Verdict = h.translate(lang, "indicators.fc.verdict.better_too_narrow")
			}
			if !c.Tested {
				sv.VsBenchmark = pr.Sprintf("%+.3f", c.Diff)
				sv.Verdict = h.translate(lang, "indicators.fc.verdict.untested")
			}
		}
		v.Scores = append(v.Scores, sv)
	}
	calibrated, borrowed, own := 0, 0, 0
	for _, c := range res.Calibration {
		switch {
		case c.Errors == 0:
			own++
		case c.From != c.Horizon:
			borrowed++
		default:
			calibrated++
		}
	}
	v.Calibrated = h.translate(lang, "indicators.fc.calibrated", calibrated, borrowed, own)
	cl := func(x float64) float64 { return fcClip(res.Indicator, x) }
	for _, t := range res.Totals {
		tv := indTotalView{Period: t.Period, Forecast: fmtValue(pr, cl(t.Forecast), kind),
			Range80:  fmtValue(pr, cl(t.Lower80), kind) + " – " + fmtValue(pr, cl(t.Upper80), kind),
			Range95:  fmtValue(pr, cl(t.Lower95), kind) + " – " + fmtValue(pr, cl(t.Upper95), kind),
			Observed: h.translate(lang, "indicators.fc.total_observed", fmtValue(pr, t.Observed, kind), t.ObservedMonths)}
		if t.Actual != nil {
			tv.Actual = fmtValue(pr, *t.Actual, kind) + pctOf(pr, *t.Actual-t.Forecast, t.Forecast)
			tv.Held80 = *t.Actual >= t.Lower80 && *t.Actual <= t.Upper80
		} else {
			tv.ActualUnknown = true
		}
		v.Totals = append(v.Totals, tv)
	}
	for _, tr := range res.Backtest.Track {
		v.Track = append(v.Track, indTrackView{Origin: tr.Origin, Target: tr.Target, Forecast: fmtValue(pr, tr.Forecast, kind),
			Range80: fmtValue(pr, cl(tr.Lower80), kind) + " – " + fmtValue(pr, cl(tr.Upper80), kind), Actual: fmtValue(pr, tr.Actual, kind),
			Error: fmtValue(pr, tr.Error, kind) + pctOf(pr, tr.Error, tr.Forecast), Held80: tr.Held80, Held95: tr.Held95})
	}
}

// fillScenario adds the coverage check of the forecast's model and, where
// the series has one, the scenario: the same model with a covariate held
// at its last value (the API's assumption), with its own conditional
// backtest, in a table and as a line on the chart labelled as a scenario.
func (h *indicatorHandlers) fillScenario(v *indForecastView, ch *indChart, lang string, res *indicators.TrackedForecast) error {
	pr := numPrinter(lang)
	kind := res.Indicator.Kind
	for _, sc := range res.Backtest.Scores {
		if sc.Model == res.Forecast.Model && res.Backtest.Coverage != "" {
			v.Coverage = &indCoverageView{Model: sc.Model, Code: res.Backtest.Coverage,
				Verdict: h.translate(lang, "indicators.fc.coverage."+res.Backtest.Coverage),
				Held80:  pr.Sprintf("%.0f%%", 100*sc.Cover80), Held95: pr.Sprintf("%.0f%%", 100*sc.Cover95), Forecasts: sc.Forecast}
		}
	}
	if res.ScenarioNote != "" {
		v.ScenarioNote = h.problemText(lang, res.ScenarioNote)
	}
	sc := res.Scenario
	if sc == nil {
		return nil
	}
	sf, err := sc.At(sc.CovariateLast)
	if err != nil {
		return fmt.Errorf("web: scenario of %s: %w", sc.Covariate, err)
	}
	b := sc.Backtest
	sv := &indScenarioView{Covariate: sc.Covariate, Base: sc.Base, Level: fmtValue(pr, sc.CovariateLast, kind), LevelPeriod: sc.CovariatePeriod,
		Beta: pr.Sprintf("%.2f", sc.Beta), Pairs: sc.Pairs, MASE: pr.Sprintf("%.3f", b.MASE),
		Cover80: pr.Sprintf("%.0f%%", 100*b.Cover80), Cover95: pr.Sprintf("%.0f%%", 100*b.Cover95), Origins: b.Origins, Forecasts: b.Forecast}
	if c := sc.VsBase; c.Tested {
		sv.VsBase = pr.Sprintf("%+.3f (%+.3f – %+.3f)", c.Diff, c.Lower, c.Upper)
		sv.Verdict = h.translate(lang, "indicators.fc.verdict."+c.Verdict)
	} else {
		sv.VsBase = pr.Sprintf("%+.3f", c.Diff)
		sv.Verdict = h.translate(lang, "indicators.fc.verdict.untested")
	}
	cl := func(x float64) float64 { return fcClip(res.Indicator, x) }
	n := len(res.Tail.Periods)
	line := make([]*float64, n+len(res.Periods))
	last := res.Tail.Values[n-1]
	line[n-1] = &last
	for i, p := range res.Periods {
		if i >= len(sf.Point) {
			break
		}
		pt := cl(sf.Point[i])
		line[n+i] = &pt
		sv.Rows = append(sv.Rows, indScenarioRow{Period: p, Point: fmtValue(pr, pt, kind),
			Range80: fmtValue(pr, cl(sf.Lower80[i]), kind) + " – " + fmtValue(pr, cl(sf.Upper80[i]), kind),
			Range95: fmtValue(pr, cl(sf.Lower95[i]), kind) + " – " + fmtValue(pr, cl(sf.Upper95[i]), kind)})
	}
	ch.Spec.Datasets = append(ch.Spec.Datasets, indDataset{Label: h.translate(lang, "indicators.fc.scenario_line"), Data: line, Style: "dashed", Color: 3})
	v.Scenario = sv
	return nil
}

func writeCSVHeaders(w http.ResponseWriter, name string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}

func (h *indicatorHandlers) handleIndicatorsDataCSV(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := indicators.SeriesFilter{Country: q.Get("country"), Indicator: q.Get("indicator")}
	name := "amparo-indicators.csv"
	if f.Country != "" || f.Indicator != "" {
		name = "amparo-" + safeName(f.Country+"-"+f.Indicator) + ".csv"
	}
	writeCSVHeaders(w, name)
	if err := h.ind.ExportCSV(r.Context(), w, f); err != nil {
		h.log.ErrorContext(r.Context(), "indicators csv", "err", err)
	}
}

func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

func (h *indicatorHandlers) handleIndicatorsProjectionsCSV(w http.ResponseWriter, r *http.Request) {
	rows, err := h.ind.CompareProjections(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	writeCSVHeaders(w, "amparo-projections-2014.csv")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"made_on", "made_by", "target_period", "projected", "actual", "actual_scope", "amparo_data_until", "amparo_forecast", "amparo_lower80", "amparo_upper80", "amparo_lower95", "amparo_upper95", "amparo_model", "source_url"})
	num := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', 0, 64)
	}
	for _, row := range rows {
		p := row.Projected
		_ = cw.Write([]string{row.MadeOn, row.MadeBy, row.TargetPeriod, num(&p), num(row.Actual), row.ActualScope, row.Until, num(row.Forecast), num(row.Lower80), num(row.Upper80), num(row.Lower95), num(row.Upper95), row.Model, row.CiteURL})
	}
	cw.Flush()
}

func (h *indicatorHandlers) handleIndicatorsForecastCSV(w http.ResponseWriter, r *http.Request) {
	fp, err := readForecastParams(r)
	if err != nil {
		h.writeError(w, r, http.StatusBadRequest, "bad_request", err.Error())
		return
	}
	res, err := h.forecast(r.Context(), fp)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	writeCSVHeaders(w, "amparo-forecast-"+safeName(fp.Country+"-"+fp.Indicator)+".csv")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"period", "forecast", "lower80", "upper80", "lower95", "upper95"})
	f := res.SeriesForecast.Forecast
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }
	if fp.Total != "" {
		for _, t := range res.Totals {
			_ = cw.Write([]string{t.Period, num(t.Forecast), num(t.Lower80), num(t.Upper80), num(t.Lower95), num(t.Upper95)})
		}
		cw.Flush()
		return
	}
	for i, p := range res.Periods {
		_ = cw.Write([]string{p, num(f.Point[i]), num(f.Lower80[i]), num(f.Upper80[i]), num(f.Lower95[i]), num(f.Upper95[i])})
	}
	cw.Flush()
}

type indSourceView struct {
	indicators.Source
	Corrections []indicators.Correction
}

// handleIndicatorsSources lists every source with what its importer
// corrected or left out, so that anyone can check the numbers.
func (h *indicatorHandlers) handleIndicatorsSources(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), langOf(r)
	list, err := h.ind.ListSources(ctx)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	var v []indSourceView
	for _, src := range list {
		cs, err := h.ind.Corrections(ctx, src.Key)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		src = h.sourceIn(lang, src)
		for i := range cs {
			cs[i].Reason = h.noteText(lang, cs[i].Reason)
			if cs[i].Corrected == "" { // left out: the original may be the importer's count
				cs[i].Original = h.textIn(leftOutCounts, lang, cs[i].Original)
			}
		}
		v = append(v, indSourceView{src, cs})
	}
	h.render(w, r, http.StatusOK, "indicators_sources", v)
}
