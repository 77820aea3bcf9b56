package web

import (
	"context"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"

	"github.com/amparo-project/amparo/internal/children/custody"
	"github.com/amparo-project/amparo/internal/children/facilities"
)

// facilityList answers {"facilities": [...]}.
func (h *caseHandlers) facilityList(ctx context.Context, _ noBody) (map[string]any, error) {
	fs, err := h.facilities.Facilities(ctx)
	if err != nil {
		return nil, err
	}
	if fs == nil {
		fs = []*facilities.Facility{}
	}
	return map[string]any{"facilities": fs}, nil
}

// facilityWithOccupancy answers the facility and its last month's
// occupancy.
func (h *caseHandlers) facilityWithOccupancy(ctx context.Context, id int64) (map[string]any, error) {
	f, err := h.facilities.Facility(ctx, id)
	if err != nil {
		return nil, err
	}
	series, err := h.cases.RecentOccupancy(ctx, id, 31)
	if err != nil {
		return nil, err
	}
	return map[string]any{"facility": f, "occupancy": series}, nil
}

// bedsRequest is the body of PUT /api/v1/facilities/{id}/beds.
type bedsRequest struct {
	Beds []facilities.Beds `json:"beds"`
}

// setBeds sets every line of beds (all or none) and answers the facility.
func (h *caseHandlers) setBeds(ctx context.Context, id int64, req bedsRequest) (*facilities.Facility, error) {
	if err := h.facilities.SetAllBeds(ctx, id, req.Beds); err != nil {
		return nil, err
	}
	return h.facilities.Facility(ctx, id)
}

type childOccupancyData struct {
	Facilities []facilities.Occupancy   `json:"facilities"`
	Total      facilities.Occupancy     `json:"total"`
	Series     []custody.OccupancyPoint `json:"series"`
}

func (h *caseHandlers) childOccupancy(ctx context.Context, _ noBody) (*childOccupancyData, error) {
	fs, total, err := h.facilities.OccupancyNow(ctx)
	if err != nil {
		return nil, err
	}
	series, err := h.cases.RecentOccupancy(ctx, 0, 61)
	if err != nil {
		return nil, err
	}
	if fs == nil {
		fs = []facilities.Occupancy{}
	}
	return &childOccupancyData{Facilities: fs, Total: total, Series: series}, nil
}

func (h *caseHandlers) handleFacilitiesPage(w http.ResponseWriter, r *http.Request) {
	d, err := h.childOccupancy(r.Context(), noBody{})
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	lang := langOf(r)
	h.render(w, r, http.StatusOK, "facilities_list", map[string]any{"Occ": d, "Chart": childOccupancyChart(lang, d.Series, h.translate(lang, "facilities.chart_title")),
		"ChartData": childChartData(d.Series, h.translate(lang, "facilities.in_care"))})
}

// childChartSpec is the JSON a chart's script block carries for
// static/children.js.
type childChartSpec struct {
	Label  string   `json:"label"`
	Labels []string `json:"labels"`
	Values []int    `json:"values"`
}

func childChartData(series []custody.OccupancyPoint, label string) childChartSpec {
	spec := childChartSpec{Label: label}
	for _, p := range series {
		spec.Labels = append(spec.Labels, p.At.Format("2006-01-02"))
		spec.Values = append(spec.Values, p.Occupied)
	}
	return spec
}

func (h *caseHandlers) handleFacilityPage(w http.ResponseWriter, r *http.Request) {
	id, ok := h.pathID(w, r, "id")
	if !ok {
		return
	}
	f, err := h.facilities.Facility(r.Context(), id)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	series, err := h.cases.RecentOccupancy(r.Context(), id, 61)
	if err != nil {
		h.domainError(w, r, err)
		return
	}
	capacity, occupied := f.Capacity()
	h.render(w, r, http.StatusOK, "facilities_view", map[string]any{"F": f, "Capacity": capacity, "Occupied": occupied,
		"Series": series, "Chart": childOccupancyChart(langOf(r), series, h.translate(langOf(r), "facilities.chart_title")), "ChartData": childChartData(series, f.Name)})
}

// occupancyChart draws the occupancy series as an inline SVG on the server:
// no script, so it prints and works under the strict content policy. The
// points carry <title>s, so the values are readable without seeing the line.
func childOccupancyChart(lang string, series []custody.OccupancyPoint, title string) template.HTML {
	if len(series) < 2 {
		return ""
	}
	const w, h, left, bottom, top = 720.0, 220.0, 48.0, 24.0, 10.0
	maxV := 1
	for _, p := range series {
		maxV = max(maxV, p.Occupied)
	}
	// A round top for the axis.
	step := math.Pow(10, math.Floor(math.Log10(float64(maxV))))
	top2 := int(math.Ceil(float64(maxV)/step) * step)
	x := func(i int) float64 { return left + (w-left-8)*float64(i)/float64(len(series)-1) }
	y := func(v int) float64 { return top + (h-top-bottom)*(1-float64(v)/float64(top2)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart occ-svg" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="occ-title"><title id="occ-title">%s</title>`,
		w, h, template.HTMLEscapeString(fmt.Sprintf(title, series[0].At.Format("2006-01-02"), series[len(series)-1].At.Format("2006-01-02"))))
	for _, v := range []int{0, top2 / 2, top2} {
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#d5dae0"/><text x="%.0f" y="%.1f" font-size="11" text-anchor="end">%s</text>`,
			left, w-8, y(v), y(v), left-4, y(v)+4, fmtNum(lang, v))
	}
	var pts []string
	for i, p := range series {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Occupied)))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="#0b5cad" stroke-width="2" points="%s"/>`, strings.Join(pts, " "))
	for i, p := range series {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="#0b5cad"><title>%s: %s</title></circle>`, x(i), y(p.Occupied), p.At.Format("2006-01-02"), fmtNum(lang, p.Occupied))
	}
	for _, i := range []int{0, len(series) / 2, len(series) - 1} {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" font-size="11" text-anchor="middle">%s</text>`, x(i), h-6, series[i].At.Format("2006-01-02"))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from numbers, dates and the escaped title above
}
