package indicators

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
)

// ExportCSV writes values in the long format (with the scope and the
// source key as extra columns), which `indicators import` reads back.
func (s *Service) ExportCSV(ctx context.Context, w io.Writer, f SeriesFilter) error {
	list, err := s.LoadSeries(ctx, f)
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
