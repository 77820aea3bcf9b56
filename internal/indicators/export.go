package indicators

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
)

// ExportOptions chooses what ExportCSVWith writes.
type ExportOptions struct {
	Filter SeriesFilter
	// AllSources writes every stored value of every source, one row each
	// (a period held by three sources gives three rows); by default only
	// the value of the highest-priority source of each period.
	AllSources bool
}

// ExportCSV writes values in the long format (with the scope and the
// source key as extra columns), which `indicators import` reads back:
// each period's highest-priority source only.
func (s *Service) ExportCSV(ctx context.Context, w io.Writer, f SeriesFilter) error {
	return s.ExportCSVWith(ctx, w, ExportOptions{Filter: f})
}

// ExportCSVWith is ExportCSV with options (every source with AllSources).
func (s *Service) ExportCSVWith(ctx context.Context, w io.Writer, opt ExportOptions) error {
	list, err := s.LoadSeries(ctx, opt.Filter)
	if err != nil {
		return err
	}
	units := map[string]string{}
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"country_iso3", "indicator", "period", "value", "unit", "source", "scope"})
	for _, se := range list {
		unit, ok := units[se.Indicator]
		if !ok {
			if in, err := s.GetIndicator(ctx, se.Indicator); err == nil {
				unit = in.Unit
			}
			units[se.Indicator] = unit
		}
		for _, p := range se.Points {
			_ = cw.Write([]string{se.Country, se.Indicator, p.Period, pointText(p), unit, p.SourceKey, se.Scope})
			if !opt.AllSources {
				continue
			}
			for _, o := range p.Others {
				_ = cw.Write([]string{se.Country, se.Indicator, o.Period, pointText(o), unit, o.SourceKey, se.Scope})
			}
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
