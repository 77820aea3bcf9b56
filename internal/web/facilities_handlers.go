package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/amparo-project/amparo/internal/children"
)

// childOccupancyWindow is the span of the occupancy chart.
const childOccupancyWindow = 180 * 24 * time.Hour

func (s *Server) handleFacilitiesAPI(w http.ResponseWriter, r *http.Request) {
	fs, err := s.childrenStore().Facilities(r.Context())
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	if fs == nil {
		fs = []*children.Facility{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"facilities": fs})
}

func (s *Server) handleFacilityCreateAPI(w http.ResponseWriter, r *http.Request) {
	var f children.Facility
	if !s.decodeJSON(w, r, &f) {
		return
	}
	out, err := s.childrenStore().CreateFacility(r.Context(), f)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, out)
}

func (s *Server) handleFacilityAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	st := s.childrenStore()
	f, err := st.Facility(r.Context(), id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	now := time.Now().UTC()
	series, err := st.Occupancy(r.Context(), id, now.Add(-childOccupancyWindow), now, 31)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"facility": f, "occupancy": series})
}

func (s *Server) handleFacilityBedsAPI(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	var req struct {
		Beds []children.Beds `json:"beds"`
	}
	if !s.decodeJSON(w, r, &req) {
		return
	}
	st := s.childrenStore()
	for _, b := range req.Beds {
		if err := st.SetBeds(r.Context(), id, b); err != nil {
			s.domainError(w, r, err)
			return
		}
	}
	f, err := st.Facility(r.Context(), id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, f)
}

type childOccupancyData struct {
	Facilities []children.FacilityOccupancy `json:"facilities"`
	Total      children.FacilityOccupancy   `json:"total"`
	Series     []children.OccupancyPoint    `json:"series"`
}

func (s *Server) childOccupancy(r *http.Request) (*childOccupancyData, error) {
	st := s.childrenStore()
	fs, total, err := st.OccupancyNow(r.Context())
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	series, err := st.Occupancy(r.Context(), 0, now.Add(-childOccupancyWindow), now, 61)
	if err != nil {
		return nil, err
	}
	if fs == nil {
		fs = []children.FacilityOccupancy{}
	}
	return &childOccupancyData{Facilities: fs, Total: total, Series: series}, nil
}

func (s *Server) handleOccupancyAPI(w http.ResponseWriter, r *http.Request) {
	d, err := s.childOccupancy(r)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, d)
}

func (s *Server) handleFacilitiesPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.childOccupancy(r)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "facilities_list", map[string]any{"Occ": d, "Chart": childOccupancyChart(d.Series), "ChartData": childChartData(d.Series, "children in care")})
}

// childChartSpec is the JSON a chart's script block carries for
// static/children.js.
type childChartSpec struct {
	Label  string   `json:"label"`
	Labels []string `json:"labels"`
	Values []int    `json:"values"`
}

func childChartData(series []children.OccupancyPoint, label string) childChartSpec {
	spec := childChartSpec{Label: label}
	for _, p := range series {
		spec.Labels = append(spec.Labels, p.At.Format("2006-01-02"))
		spec.Values = append(spec.Values, p.Occupied)
	}
	return spec
}

func (s *Server) handleFacilityPage(w http.ResponseWriter, r *http.Request) {
	id, ok := s.pathID(w, r, "id")
	if !ok {
		return
	}
	st := s.childrenStore()
	f, err := st.Facility(r.Context(), id)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	now := time.Now().UTC()
	series, err := st.Occupancy(r.Context(), id, now.Add(-childOccupancyWindow), now, 61)
	if err != nil {
		s.domainError(w, r, err)
		return
	}
	capacity, occupied := f.Capacity()
	s.render(w, r, http.StatusOK, "facilities_view", map[string]any{"F": f, "Capacity": capacity, "Occupied": occupied,
		"Series": series, "Chart": childOccupancyChart(series), "ChartData": childChartData(series, f.Name)})
}

// occupancyChart draws the occupancy series as an inline SVG on the server:
// no script, so it prints and works under the strict content policy. The
// points carry <title>s, so the values are readable without seeing the line.
func childOccupancyChart(series []children.OccupancyPoint) template.HTML {
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
	fmt.Fprintf(&b, `<svg class="chart occ-svg" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="occ-title"><title id="occ-title">Children in care, %s to %s</title>`,
		w, h, series[0].At.Format("2006-01-02"), series[len(series)-1].At.Format("2006-01-02"))
	for _, v := range []int{0, top2 / 2, top2} {
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#d5dae0"/><text x="%.0f" y="%.1f" font-size="11" text-anchor="end">%d</text>`,
			left, w-8, y(v), y(v), left-4, y(v)+4, v)
	}
	var pts []string
	for i, p := range series {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Occupied)))
	}
	fmt.Fprintf(&b, `<polyline fill="none" stroke="#0b5cad" stroke-width="2" points="%s"/>`, strings.Join(pts, " "))
	for i, p := range series {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="#0b5cad"><title>%s: %d</title></circle>`, x(i), y(p.Occupied), p.At.Format("2006-01-02"), p.Occupied)
	}
	for _, i := range []int{0, len(series) / 2, len(series) - 1} {
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" font-size="11" text-anchor="middle">%s</text>`, x(i), h-6, series[i].At.Format("2006-01-02"))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built only from numbers and dates above
}
