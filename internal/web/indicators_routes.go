package web

import (
	"bytes"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/text/message"

	"github.com/amparo-project/amparo/internal/auth"
	"github.com/amparo-project/amparo/internal/indicators"
)

// indicatorHandlers serve the indicators pages and API from the
// indicators service.
type indicatorHandlers struct {
	*kit
	ind *indicators.Service
}

// Indicators are public data: every page and API route is open to anyone,
// the public role included.
func (h *indicatorHandlers) routes() []Route {
	return []Route{
		{Method: "GET", Path: "/indicators", Perm: auth.Anyone, Handler: h.handleIndicatorsHome},
		{Method: "GET", Path: "/indicators/countries/{code}", Perm: auth.Anyone, Handler: h.handleIndicatorsCountry},
		{Method: "GET", Path: "/indicators/indicators/{code}", Perm: auth.Anyone, Handler: h.handleIndicatorsIndicator},
		{Method: "GET", Path: "/indicators/flows", Perm: auth.Anyone, Handler: h.handleIndicatorsFlows},
		{Method: "GET", Path: "/indicators/sources", Perm: auth.Anyone, Handler: h.handleIndicatorsSources},
		{Method: "GET", Path: "/indicators/projections", Perm: auth.Anyone, Handler: h.handleIndicatorsProjections},
		{Method: "GET", Path: "/indicators/forecast", Perm: auth.Anyone, Handler: h.handleIndicatorsForecast},
		{Method: "GET", Path: "/indicators/data.csv", Perm: auth.Anyone, Handler: h.handleIndicatorsDataCSV},
		{Method: "GET", Path: "/indicators/projections.csv", Perm: auth.Anyone, Handler: h.handleIndicatorsProjectionsCSV},
		{Method: "GET", Path: "/indicators/forecast.csv", Perm: auth.Anyone, Handler: h.handleIndicatorsForecastCSV},

		{Method: "GET", Path: "/api/v1/indicators", Perm: auth.Anyone, Handler: h.handleIndicatorsAPI},
		{Method: "GET", Path: "/api/v1/series", Perm: auth.Anyone, Handler: withQuery(h.kit, http.StatusOK, readSeriesFilter, h.ind.SeriesWithSources)},
		{Method: "GET", Path: "/api/v1/forecasts", Perm: auth.Anyone, Handler: withQuery(h.kit, http.StatusOK, readForecastParams, h.forecastAPI)},
	}
}

// indChart is one chart with the table and the CSV link under it.
type indChart struct {
	ID      string
	Title   string
	Unit    string
	Spec    indChartSpec
	Columns []string
	Rows    []indRow
	CSV     string
	Sources []indicators.Source
	Notes   []string
	Small   bool
	// NoChart: categories (income group) are shown as a table only.
	NoChart bool
}

// indChartSpec is what static/indicators.js draws.
type indChartSpec struct {
	Kind     string       `json:"kind"`
	Labels   []string     `json:"labels"`
	Datasets []indDataset `json:"datasets"`
	Unit     string       `json:"unit"`
	Zero     bool         `json:"zero"`
}

type indDataset struct {
	Label string     `json:"label"`
	Data  []*float64 `json:"data"`
	Style string     `json:"style"` // solid, dashed, band-low, band-high, points
	Marks []bool     `json:"marks,omitempty"`
	Color int        `json:"color"`
}

type indRow struct {
	Period string
	Cells  []indCell
}

type indCell struct {
	Text    string
	Unknown bool
	Mark    bool   // a surge
	Title   string // other sources, revisions, notes
}

// fmtValue renders a value: counts without decimals, small numbers with
// enough digits to be read, never rounded to look more precise than it is.
func fmtValue(p *message.Printer, v float64, kind string) string {
	switch {
	case kind == "count" || math.Abs(v) >= 1000:
		return p.Sprintf("%.0f", v)
	case math.Abs(v) >= 10:
		return p.Sprintf("%.1f", v)
	default:
		return p.Sprintf("%.2f", v)
	}
}

// seriesChart builds a chart with one dataset per series, on the union of
// their periods; a period a series lacks is a gap, not a zero.
func (h *indicatorHandlers) seriesChart(r *http.Request, id, title string, in indicators.Indicator, list []indicators.Series, labelOf func(indicators.Series) string, marks bool, srcs map[string]indicators.Source) indChart {
	lang := langOf(r)
	pr := numPrinter(lang)
	periods := map[string]bool{}
	for _, se := range list {
		for _, p := range se.Points {
			periods[p.Period] = true
		}
	}
	labels := make([]string, 0, len(periods))
	for p := range periods {
		labels = append(labels, p)
	}
	sort.Strings(labels)
	// A missing period is shown as a gap in the line, not skipped over.
	labels = indicators.FillPeriods(labels)
	pos := map[string]int{}
	for i, l := range labels {
		pos[l] = i
	}
	ch := indChart{ID: id, Title: title, Unit: in.Unit, Spec: indChartSpec{Kind: "line", Labels: labels, Unit: in.Unit, Zero: in.Kind == "count"}}
	rows := make([]indRow, len(labels))
	for i, l := range labels {
		rows[i] = indRow{Period: l, Cells: make([]indCell, len(list))}
		for j := range list {
			rows[i].Cells[j] = indCell{Text: h.translate(lang, "indicators.unknown"), Unknown: true}
		}
	}
	seen := map[string]bool{}
	others := false
	for j, se := range list {
		ds := indDataset{Label: labelOf(se), Data: make([]*float64, len(labels)), Style: "solid", Color: j}
		var sm []bool
		if marks {
			sm = indicators.Surges(se)
			ds.Marks = make([]bool, len(labels))
		}
		ch.Columns = append(ch.Columns, ds.Label)
		for k, p := range se.Points {
			i := pos[p.Period]
			cell := indCell{}
			if p.Value != nil {
				v := *p.Value
				ds.Data[i] = &v
				cell.Text = fmtValue(pr, v, in.Kind)
			} else {
				cell.Text = p.Text
			}
			if sm != nil && sm[k] {
				ds.Marks[i] = true
				cell.Mark = true
			}
			p.Note = h.noteText(lang, p.Note) // a copy: the stored note is not changed
			cell.Title = pointTitle(func(key string, a ...any) string { return h.translate(lang, key, a...) }, pr, p, in.Kind)
			if len(p.Others) > 0 {
				cell.Text += " †"
				others = true
			}
			for _, rv := range p.Revisions {
				if rv.OldValue != nil && rv.NewValue != nil {
					ch.Notes = append(ch.Notes, h.translate(lang, "indicators.revised", ds.Label, p.Period,
						fmtValue(pr, *rv.OldValue, in.Kind), fmtValue(pr, *rv.NewValue, in.Kind), rv.RevisedAt[:10], p.SourceKey))
				}
			}
			rows[i].Cells[j] = cell
			if !seen[p.SourceKey] {
				seen[p.SourceKey] = true
				if src, ok := srcs[p.SourceKey]; ok {
					ch.Sources = append(ch.Sources, h.sourceIn(lang, src))
				}
			}
			for _, o := range p.Others {
				if !seen[o.SourceKey] {
					seen[o.SourceKey] = true
					if src, ok := srcs[o.SourceKey]; ok {
						ch.Sources = append(ch.Sources, h.sourceIn(lang, src))
					}
				}
			}
		}
		ch.Spec.Datasets = append(ch.Spec.Datasets, ds)
	}
	ch.Rows = rows
	if others {
		ch.Notes = append(ch.Notes, h.translate(lang, "indicators.others_note"))
	}
	return ch
}

// pointTitle says where a value came from, what else was reported and
// what it replaced, in the page's language (tr); p.Note is already in
// the page's language (noteText) when an importer wrote it.
func pointTitle(tr func(key string, a ...any) string, pr *message.Printer, p indicators.Point, kind string) string {
	var b []string
	b = append(b, tr("core.point.source", p.SourceKey))
	if p.Note != "" {
		b = append(b, p.Note)
	}
	for _, o := range p.Others {
		v := o.Text
		if o.Value != nil {
			v = fmtValue(pr, *o.Value, kind)
		}
		b = append(b, tr("core.point.also", v, o.SourceKey))
	}
	for _, rv := range p.Revisions {
		if rv.OldValue != nil {
			b = append(b, tr("core.point.revised", rv.RevisedAt[:10], fmtValue(pr, *rv.OldValue, kind)))
		}
	}
	return strings.Join(b, "; ")
}

// scopeText labels a series by its scope, translated when possible.
func (h *indicatorHandlers) scopeText(lang, code string) string {
	if code == "" {
		return ""
	}
	key := "indicators.scope." + code
	if t := h.translate(lang, key); t != key {
		return t
	}
	return indicators.ScopeLabel(code)
}

// indicatorName translates a known indicator's name.
func (h *indicatorHandlers) indicatorName(lang string, in indicators.Indicator) string {
	key := "indicators.ind." + in.Code
	if t := h.translate(lang, key); t != key {
		return t
	}
	return in.Name
}

func (h *indicatorHandlers) countryName(lang, code string) string {
	key := "indicators.country." + code
	if t := h.translate(lang, key); t != key {
		return t
	}
	return indicators.CountryName(code)
}

func csvLink(params ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		if params[i+1] != "" {
			q.Set(params[i], params[i+1])
		}
	}
	return "/indicators/data.csv?" + q.Encode()
}

// The chart partial is shared by every indicators page: it is parsed once
// here and offered to the templates as {{indChart $ .Chart}}.
var indChartTemplate = template.Must(template.New("indicators_chart.tmpl").ParseFS(templateFiles, "templates/indicators_chart.tmpl"))

func init() {
	addTemplateFuncs(template.FuncMap{
		"indChart": func(p *Page, c indChart) (template.HTML, error) {
			var b bytes.Buffer
			if err := indChartTemplate.Execute(&b, struct {
				P *Page
				C indChart
			}{p, c}); err != nil {
				return "", err
			}
			return template.HTML(b.String()), nil
		},
	})
}
