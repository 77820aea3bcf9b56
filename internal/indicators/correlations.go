package indicators

import (
	"context"
	"math"
	"strconv"

	"gonum.org/v1/gonum/stat"
)

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

// LaggedCorrelations computes, for each driver, the Pearson correlation
// between the driver in calendar year Y-lag and the yearly flow (fiscal
// year Y, one scope) in one country. A fiscal year runs October to
// September, so it is matched to the calendar year it mostly covers. With
// a dozen years this is weak evidence: n is always shown, and r is NaN
// (unknown) below five pairs.
func (s *Service) LaggedCorrelations(ctx context.Context, country string, maxLag int) ([]Correlation, error) {
	flows, err := s.LoadSeries(ctx, SeriesFilter{Country: country, Indicator: "uac_encounters", Frequency: FiscalYear})
	if err != nil {
		return nil, err
	}
	flow := longestFlow(flows)
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
		ds, err := s.LoadSeries(ctx, SeriesFilter{Country: country, Indicator: d, Frequency: Yearly})
		if err != nil {
			return nil, err
		}
		if len(ds) == 0 {
			continue
		}
		out = append(out, laggedCorrelations(country, d, flow.Scope, fv, yearValues(ds[0]), maxLag)...)
	}
	return out, nil
}

// longestFlow is the flow series the correlations use: the longest
// fiscal-year series of one scope (on a tie, the scope listed first).
func longestFlow(flows []Series) Series {
	var flow Series
	for _, se := range flows {
		if len(se.Points) > len(flow.Points) || (len(se.Points) == len(flow.Points) && scopeRank(se.Scope) < scopeRank(flow.Scope)) {
			flow = se
		}
	}
	return flow
}

// yearValues indexes a yearly series' numeric values by year.
func yearValues(se Series) map[int]float64 {
	dv := map[int]float64{}
	for _, p := range se.Points {
		if p.Value != nil {
			y, _ := strconv.Atoi(p.Period)
			dv[y] = *p.Value
		}
	}
	return dv
}

// laggedCorrelations correlates the flow fv (by fiscal year) with the
// driver dv (by calendar year) at each lag from 0 to maxLag.
func laggedCorrelations(country, driver, scope string, fv, dv map[int]float64, maxLag int) []Correlation {
	var out []Correlation
	for lag := 0; lag <= maxLag; lag++ {
		var xs, ys []float64
		for y, f := range fv {
			if x, ok := dv[y-lag]; ok {
				xs = append(xs, x)
				ys = append(ys, f)
			}
		}
		c := Correlation{Country: country, Driver: driver, Flow: "uac_encounters", Lag: lag, N: len(xs), Scope: scope, R: math.NaN()}
		if len(xs) >= minCorrelationPairs {
			c.R = stat.Correlation(xs, ys, nil)
		}
		out = append(out, c)
	}
	return out
}
