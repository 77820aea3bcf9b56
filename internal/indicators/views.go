package indicators

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// Panel is one indicator for one country: its series (one per scope, of
// one frequency) and the latest value with its change.
type Panel struct {
	Indicator Indicator
	Frequency Frequency
	Series    []Series // one per scope; never joined
	Main      int      // index of the series the latest value comes from
	Latest    *Point
	Previous  *Point
	Change    *float64 // latest - previous, same series
	ChangePct *float64
	// Lone: no series of the panel has minSeriesPoints values (the press
	// reported one month, say): it is shown as a single figure with its
	// period, not drawn as a series of its frequency.
	Lone bool
}

// CountryPanels returns a panel per (indicator, frequency) with values for
// country, in catalogue order.
func (s *Service) CountryPanels(ctx context.Context, country string) ([]Panel, error) {
	list, err := s.LoadSeries(ctx, SeriesFilter{Country: country})
	if err != nil {
		return nil, err
	}
	byKey := map[string]*Panel{}
	var keys []string
	for _, se := range list {
		k := se.Indicator + "/" + string(se.Frequency)
		p, ok := byKey[k]
		if !ok {
			in, err := s.GetIndicator(ctx, se.Indicator)
			if err != nil {
				return nil, err
			}
			p = &Panel{Indicator: in, Frequency: se.Frequency}
			byKey[k] = p
			keys = append(keys, k)
		}
		p.Series = append(p.Series, se)
	}
	out := make([]Panel, 0, len(keys))
	for _, k := range keys {
		p := byKey[k]
		fillLatest(p)
		p.Lone = lonePanel(p.Series)
		out = append(out, *p)
	}
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := catalogRank(out[i].Indicator.Code), catalogRank(out[j].Indicator.Code)
		if ri != rj {
			return ri < rj
		}
		return freqRank(out[i].Frequency) < freqRank(out[j].Frequency)
	})
	return out, nil
}

// lonePanel reports whether no series has minSeriesPoints values.
func lonePanel(list []Series) bool {
	for _, se := range list {
		if len(se.Points) >= minSeriesPoints {
			return false
		}
	}
	return true
}

func catalogRank(code string) int {
	for i, in := range knownIndicators {
		if in.Code == code {
			return i
		}
	}
	return len(knownIndicators)
}

// fillLatest picks the series with the most recent value (ties: the scope
// listed first) and takes its last two values.
func fillLatest(p *Panel) {
	best := -1
	for i, s := range p.Series {
		if len(s.Points) == 0 {
			continue
		}
		if best < 0 {
			best = i
			continue
		}
		a, b := s.Points[len(s.Points)-1].Period, p.Series[best].Points[len(p.Series[best].Points)-1].Period
		if a > b || (a == b && scopeRank(s.Scope) < scopeRank(p.Series[best].Scope)) {
			best = i
		}
	}
	if best < 0 {
		return
	}
	p.Main = best
	pts := p.Series[best].Points
	last := pts[len(pts)-1]
	p.Latest = &last
	if len(pts) > 1 {
		prev := pts[len(pts)-2]
		p.Previous = &prev
		if last.Value != nil && prev.Value != nil {
			d := *last.Value - *prev.Value
			p.Change = &d
			if *prev.Value != 0 {
				pct := 100 * d / math.Abs(*prev.Value)
				p.ChangePct = &pct
			}
		}
	}
}

// IndicatorGroups returns, for one indicator, the series of every country
// grouped by (frequency, scope): one chart per group, one line per
// country.
func (s *Service) IndicatorGroups(ctx context.Context, code string) ([][]Series, error) {
	list, err := s.LoadSeries(ctx, SeriesFilter{Indicator: code})
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	var out [][]Series
	for _, se := range list {
		if len(se.Country) > 3 && se.Country[2] == '-' {
			continue // US states: shown on their own table, not on the country chart
		}
		k := string(se.Frequency) + "/" + se.Scope
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], se)
	}
	for _, g := range out {
		sort.SliceStable(g, func(i, j int) bool { return countryRank(g[i].Country) < countryRank(g[j].Country) })
	}
	sort.SliceStable(out, func(i, j int) bool {
		if fi, fj := freqRank(out[i][0].Frequency), freqRank(out[j][0].Frequency); fi != fj {
			return fi < fj
		}
		return scopeRank(out[i][0].Scope) < scopeRank(out[j][0].Scope)
	})
	return out, nil
}

// freqRank orders charts: years first (where countries can be compared),
// then months.
func freqRank(f Frequency) int {
	switch f {
	case FiscalYear:
		return 0
	case Yearly:
		return 1
	default:
		return 2
	}
}

func countryRank(code string) int {
	for i, c := range knownCountries {
		if c.Code == code {
			return i
		}
	}
	return len(knownCountries)
}

// PerCapita divides a fiscal- or calendar-year count series by the
// population of the same calendar year (a fiscal year ends in September, so
// it mostly lies in that year), per 100,000. Periods without a population
// value are left out.
func PerCapita(s Series, pop Series) Series {
	pv := map[string]float64{}
	for _, p := range pop.Points {
		if p.Value != nil {
			pv[p.Period] = *p.Value
		}
	}
	out := Series{Country: s.Country, Indicator: s.Indicator + "_per_100k_0_14", Scope: s.Scope, Frequency: s.Frequency}
	for _, p := range s.Points {
		if p.Value == nil || s.Frequency == Monthly {
			continue
		}
		year := p.Period
		if s.Frequency == FiscalYear {
			year = p.Period[2:]
		}
		d, ok := pv[year]
		if !ok || d <= 0 {
			continue
		}
		v := *p.Value / d * 100000
		note := fmt.Sprintf(NotePerCapita, year)
		if y, _ := strconv.Atoi(year); y > 2015 {
			note += NoteSep + NotePerCapitaProjected
		}
		out.Points = append(out.Points, Point{Period: p.Period, Value: &v, SourceKey: p.SourceKey, Note: note})
	}
	return out
}

// PerCapitaSeries returns the per-capita variant (per 100,000 aged 0-14)
// of the series in groups (as IndicatorGroups returns them for indicator
// code) that have one by perCapitaVariants: one series per country with a
// population series, none when no group has a variant.
func (s *Service) PerCapitaSeries(ctx context.Context, code string, groups [][]Series) []Series {
	for _, g := range groups {
		if len(g) == 0 || !perCapitaVariant(code, g[0].Frequency, g[0].Scope) {
			continue
		}
		var per []Series
		for _, se := range g {
			pop, err := s.LoadSeries(ctx, SeriesFilter{Country: se.Country, Indicator: PerCapitaPopulation, Frequency: Yearly})
			if err != nil || len(pop) == 0 {
				continue // no population: the country is left out, never estimated
			}
			if pc := PerCapita(se, pop[0]); len(pc.Points) > 0 {
				per = append(per, pc)
			}
		}
		return per
	}
	return nil
}

// Surges marks the points of s that are surges by surgeRules.
func Surges(s Series) []bool {
	out := make([]bool, len(s.Points))
	rule, ok := surgeRules[s.Frequency]
	if !ok {
		return out
	}
	for i, p := range s.Points {
		if p.Value == nil || i < rule.window {
			continue
		}
		var prev []float64
		contiguous := true
		for j := i - rule.window; j < i; j++ {
			if s.Points[j].Value == nil {
				contiguous = false
				break
			}
			prev = append(prev, *s.Points[j].Value)
		}
		if !contiguous || periodIndex(s.Points[i-rule.window].Period) != periodIndex(p.Period)-rule.window {
			continue // a gap: no baseline
		}
		sort.Float64s(prev)
		med := prev[len(prev)/2]
		if len(prev)%2 == 0 {
			med = (prev[len(prev)/2-1] + prev[len(prev)/2]) / 2
		}
		if med > 0 && *p.Value >= rule.ratio*med {
			out[i] = true
		}
	}
	return out
}

// ProjectionRow sets an official projection against what happened and
// against Amparo's forecast made with the data available then.
type ProjectionRow struct {
	Projection
	Actual      *float64 `json:"actual"`       // the count that followed (nil: unknown)
	ActualScope string   `json:"actual_scope"` // scope of the actual count
	Until       string   `json:"data_until"`   // last month Amparo's forecast used
	Forecast    *float64 `json:"amparo_forecast"`
	Lower80     *float64 `json:"amparo_lower80"`
	Upper80     *float64 `json:"amparo_upper80"`
	Lower95     *float64 `json:"amparo_lower95"`
	Upper95     *float64 `json:"amparo_upper95"`
	Model       string   `json:"amparo_model,omitempty"` // the series' default then
	ForecastErr string   `json:"amparo_forecast_error,omitempty"`
}

// dataUntil is the last whole month known before a projection dated
// madeOn: the month before a dated projection, December of the previous
// year when only the year is known.
func dataUntil(madeOn string) (string, error) {
	if len(madeOn) < 4 || !isDigits(madeOn[:4]) {
		return "", fmt.Errorf("projection date %q", madeOn)
	}
	y, _ := strconv.Atoi(madeOn[:4])
	if len(madeOn) >= 7 && madeOn[4] == '-' {
		m, err := strconv.Atoi(madeOn[5:7])
		if err != nil || m < 1 || m > 12 {
			return "", fmt.Errorf("projection date %q", madeOn)
		}
		return MonthFromIndex(y*12 + m - 2), nil
	}
	return MonthFromIndex(y*12 - 1), nil
}

// CompareProjections builds the projections page: for each official
// projection, the actual Border Patrol count for the target fiscal year and
// Amparo's own forecast of that year from the monthly southwest-border
// series up to the month before the projection: the default chosen by the
// backtest as it stood then, with calibrated intervals, and the fiscal
// year's total (the months already known plus the forecast months) with
// its 80% and 95% intervals read from sample paths, as the forecast page
// and `forecast --total fiscal_year` give it.
func (s *Service) CompareProjections(ctx context.Context) ([]ProjectionRow, error) {
	projs, err := s.ListProjections(ctx)
	if err != nil {
		return nil, err
	}
	if len(projs) == 0 {
		// Nothing to compare: a new installation, before the built-in
		// data (and with it uac_encounters) is imported.
		return nil, nil
	}
	scope := "usbp-swb"
	fy, err := s.LoadSeries(ctx, SeriesFilter{Country: "ALL", Indicator: "uac_encounters", Scope: &scope, Frequency: FiscalYear})
	if err != nil {
		return nil, err
	}
	actual := map[string]float64{}
	if len(fy) > 0 {
		for _, p := range fy[0].Points {
			if p.Value != nil {
				actual[p.Period] = *p.Value
			}
		}
	}
	monthly, err := s.LoadSeries(ctx, SeriesFilter{Country: "ALL", Indicator: "uac_encounters", Scope: &scope, Frequency: Monthly})
	if err != nil {
		return nil, err
	}
	in, err := s.GetIndicator(ctx, "uac_encounters")
	if err != nil {
		return nil, err
	}
	var out []ProjectionRow
	for _, p := range projs {
		row := ProjectionRow{Projection: p, ActualScope: scope}
		if v, ok := actual[p.TargetPeriod]; ok {
			row.Actual = &v
		}
		until, err := dataUntil(p.MadeOn)
		if err != nil {
			row.ForecastErr = err.Error()
			out = append(out, row)
			continue
		}
		row.Until = until
		if len(monthly) == 0 {
			row.ForecastErr = "no monthly series"
			out = append(out, row)
			continue
		}
		tail, err := TailOf(monthly[0], until)
		if err != nil || len(tail.Values) < 24 || tail.Periods[len(tail.Periods)-1] != until {
			row.ForecastErr = "not enough monthly data up to " + until
			out = append(out, row)
			continue
		}
		target, _ := strconv.Atoi(p.TargetPeriod[2:])
		h := target*12 + 8 - MonthIndex(until) // to the September ending the target year
		if h < 1 {
			row.ForecastErr = "the target year had ended"
			out = append(out, row)
			continue
		}
		f, err := forecastTail(tail, in, h, ModelDefault, WindowFiscalYear)
		if err != nil {
			row.ForecastErr = err.Error()
			out = append(out, row)
			continue
		}
		for _, w := range f.Totals {
			if w.Period == p.TargetPeriod {
				row.Forecast, row.Lower80, row.Upper80, row.Lower95, row.Upper95 = &w.Forecast, &w.Lower80, &w.Upper80, &w.Lower95, &w.Upper95
				row.Model = f.Forecast.Model
			}
		}
		if row.Forecast == nil {
			row.ForecastErr = "no total for " + p.TargetPeriod
		}
		out = append(out, row)
	}
	return out, nil
}
